"""The only writers of referrals: the sending structure creates and follows them; the receiving structure
(when the place belongs to another structure of the same Appui) answers them."""

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from appui.accounts.models import Membership
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.people.models import Person
from appui.people.services import person_touch

from .access import can_answer_referrals, can_orient
from .enums import (
    ANSWER_STATUSES,
    OPEN_STATUSES,
    ConsentMode,
    ReferralOrigin,
    ReferralStatus,
    RefusalReason,
    SharedField,
    TargetKind,
)
from .models import Referral

if TYPE_CHECKING:
    from appui.accompaniments.models import Accompaniment
    from appui.diagnostics.models import Diagnostic
    from appui.places.models import Place, PlaceService
    from appui.rights.models import RightFollowUp

# Fields the sender sets at creation and may correct later; the shared fields never change once consented.
SENDER_FIELDS = frozenset(
    {"target_kind", "reason", "appointment_at", "contact_name", "documents_to_bring", "follow_up_on"}
)


def shared_snapshot(
    *,
    person: Person,
    fields: list[str],
    reason: str,
    diagnostic: "Diagnostic | None",
    right: "RightFollowUp | None",
) -> dict[str, Any]:
    """Return the values the person agreed to share, as they are now (the partner sees only these)."""
    data: dict[str, Any] = {}
    for code in fields:
        if code == SharedField.IDENTITY:
            data[code] = {"first_name": person.first_name, "last_name": person.last_name}
        elif code == SharedField.BIRTH_DATE:
            data[code] = person.birth_date.isoformat() if person.birth_date else str(person.birth_year or "")
        elif code == SharedField.PHONE:
            data[code] = person.phone
        elif code == SharedField.EMAIL:
            data[code] = person.email
        elif code == SharedField.ADDRESS:
            commune = person.commune
            data[code] = " ".join(
                part for part in (person.address, person.postal_code, getattr(commune, "name", "")) if part
            )
        elif code == SharedField.LANGUAGES:
            data[code] = person.language_labels
        elif code == SharedField.REASON:
            data[code] = reason
        elif code == SharedField.DIGITAL and diagnostic is not None:
            result = diagnostic.result
            data[code] = {"level": result.level_label, "workshops": result.workshop_theme_labels}
        elif code == SharedField.RIGHT and right is not None:
            data[code] = right.get_benefit_display()
    return data


def default_target_kind(place: "Place") -> str:
    """Return the kind of structure a place is, from its programmes and typologies (the worker may change it)."""
    typologies = set(place.typologies)
    if "france-services" in place.programmes or "RFS" in typologies or "MSAP" in typologies:
        return TargetKind.ADMIN_HELP
    if typologies & {"CAF", "CPAM", "MSA", "CFP"}:
        return TargetKind.OPERATOR
    if typologies & {"FT", "ML", "CAP_EMPLOI", "MDE", "MDEF", "PLIE", "CITMET"}:
        return TargetKind.EMPLOYMENT
    if typologies & {"CCAS", "CIAS", "CS", "CSC", "MDS", "CDAS", "DEPT", "EVS", "UDAF"}:
        return TargetKind.SOCIAL
    if typologies & {"MUNI", "PREF", "CD", "EPCI", "CC", "REG", "ETAT"}:
        return TargetKind.ADMINISTRATION
    if place.services or typologies & {"EPN", "EPI", "ENM", "FABLAB", "TIERS_LIEUX", "BIB"}:
        return TargetKind.DIGITAL_MEDIATION
    return TargetKind.OTHER


def _validate(fields: dict[str, Any], referral: Referral | None = None) -> None:
    errors: dict[str, str] = {}
    if "target_kind" in fields and fields["target_kind"] not in TargetKind.values:
        errors["target_kind"] = "Choisissez vers quel type de structure la personne est orientée."
    follow_up = fields.get("follow_up_on")
    unchanged = referral is not None and follow_up == referral.follow_up_on
    if (
        isinstance(follow_up, datetime.date)
        and not unchanged
        and follow_up < timezone.localdate() - datetime.timedelta(days=1)
    ):
        errors["follow_up_on"] = "La date de suivi ne peut pas être passée."
    if len(fields.get("contact_name") or "") > 150:
        errors["contact_name"] = "150 caractères au plus."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def referral_create(
    *,
    membership: Membership,
    person: Person,
    place: "Place",
    consent_mode: str,
    shared_fields: list[str],
    fields: dict[str, Any],
    place_service: "PlaceService | None" = None,
    accompaniment: "Accompaniment | None" = None,
    diagnostic: "Diagnostic | None" = None,
    right: "RightFollowUp | None" = None,
) -> Referral:
    """Orient ``person`` to ``place``, with the person's consent and the fields they agree to share."""
    from appui.rights.access import can_screen

    if not can_orient(membership):
        raise PermissionDenied("Votre rôle ne permet pas d'orienter une personne.")
    if person.structure_id != membership.structure_id:
        raise PermissionDenied("Cette fiche n'appartient pas à votre structure.")
    for linked in (accompaniment, diagnostic, right):
        if linked is not None and linked.person_id != person.pk:  # type: ignore[attr-defined]
            raise PermissionDenied("Cet élément ne concerne pas cette personne.")
    if right is not None and not can_screen(membership):
        raise PermissionDenied("Votre rôle ne permet pas de lire les droits de la personne.")
    if place.closed_at is not None:
        raise ValidationError({"place": "Ce lieu est fermé : choisissez-en un autre."})
    if not (place.structure_id is None or place.is_published or place.structure_id == membership.structure_id):
        raise PermissionDenied("Ce lieu n'est pas publié.")
    if place_service is not None and (place_service.place_id != place.pk or place_service.closed_at is not None):
        raise ValidationError({"place_service": "Ce service n'est pas proposé par ce lieu."})
    fields = {key: value for key, value in fields.items() if value is not None or key in SENDER_FIELDS}
    unknown = set(fields) - SENDER_FIELDS
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    errors: dict[str, str] = {}
    if consent_mode not in ConsentMode.values:
        errors["consent_mode"] = "L'accord de la personne est nécessaire pour l'orienter et partager ses informations."
    shared = list(dict.fromkeys(shared_fields))
    if any(code not in SharedField.values for code in shared):
        errors["shared_fields"] = "Information à partager inconnue."
    if SharedField.DIGITAL in shared and diagnostic is None:
        errors["shared_fields"] = "Le niveau numérique se partage depuis un diagnostic."
    if SharedField.RIGHT in shared and right is None:
        errors["shared_fields"] = "Le droit à demander se partage depuis un droit trouvé."
    if SharedField.REASON in shared and not (fields.get("reason") or "").strip():
        errors["reason"] = "Écrivez le motif à partager, ou ne le partagez pas."
    if person.is_anonymous and any(code != SharedField.REASON for code in shared):
        errors["shared_fields"] = "Une fiche anonyme ne partage que le motif de l'orientation."
    if errors:
        raise ValidationError(errors)
    fields.setdefault("target_kind", default_target_kind(place))
    _validate(fields)
    now = timezone.now()
    if accompaniment is not None:
        origin = ReferralOrigin.ACCOMPANIMENT
    elif diagnostic is not None:
        origin = ReferralOrigin.DIAGNOSTIC
    elif right is not None:
        origin = ReferralOrigin.RIGHT
    else:
        origin = ReferralOrigin.PERSON
    target_structure = place.structure if place.structure_id not in (None, membership.structure_id) else None
    referral = Referral(
        structure=membership.structure,
        person=person,
        created_by=membership.user,
        origin=origin,
        accompaniment=accompaniment,
        diagnostic=diagnostic,
        right_follow_up=right,
        place=place,
        place_service=place_service,
        target_structure=target_structure,
        consent_mode=consent_mode,
        consented_at=now,
        shared_fields=shared,
        status=ReferralStatus.NEW,
        status_changed_at=now,
        **{
            key: ("" if value is None and key not in {"appointment_at", "follow_up_on"} else value)
            for key, value in fields.items()
        },
    )
    referral.shared_data = shared_snapshot(
        person=person, fields=shared, reason=fields.get("reason") or "", diagnostic=diagnostic, right=right
    )
    referral.full_clean(
        exclude=[
            "structure",
            "person",
            "created_by",
            "place",
            "place_service",
            "target_structure",
            "accompaniment",
            "diagnostic",
            "right_follow_up",
        ],
        validate_constraints=False,
    )
    referral.save()
    person_touch(person=person, when=now)
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.REFERRAL_CREATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=referral,
        person_id=person.pk,
        detail={
            "place": place.pk,
            "shared_fields": shared,
            "target_structure": target_structure.pk if target_structure else None,
        },
    )
    return referral


@transaction.atomic
def referral_update(*, membership: Membership, referral: Referral, fields: dict[str, Any]) -> Referral:
    """Follow a referral from the sending side: correct it, or record the place's answer when it does not use Appui.

    ``fields`` may hold the sender's fields and ``status``, ``refusal_reason``, ``response_message``. When the
    place belongs to another structure of Appui, that structure answers: the sender may only note that it got
    no answer.
    """
    if not can_orient(membership):
        raise PermissionDenied("Votre rôle ne permet pas de suivre une orientation.")
    if referral.structure_id != membership.structure_id:
        raise PermissionDenied("Cette orientation n'a pas été envoyée par votre structure.")
    fields = dict(fields)
    status = fields.pop("status", None)
    refusal_reason = fields.pop("refusal_reason", None)
    message = fields.pop("response_message", None)
    unknown = set(fields) - SENDER_FIELDS
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    _validate(fields, referral)
    changed = sorted(name for name, value in fields.items() if getattr(referral, name) != value)
    for name, value in fields.items():
        setattr(referral, name, "" if value is None and name not in {"appointment_at", "follow_up_on"} else value)
    if SharedField.REASON in referral.shared_fields and "reason" in fields:
        # The partner reads the reason as it was shared; a corrected reason is shared again.
        referral.shared_data = {**referral.shared_data, SharedField.REASON: referral.reason}
    if status is not None and status != referral.status:
        if referral.target_structure_id is not None and status != ReferralStatus.NO_ANSWER:
            raise ValidationError(
                {
                    "status": "Cette orientation est adressée à une structure qui utilise Appui : "
                    "elle y répond elle-même."
                }
            )
        if status not in ReferralStatus.values:
            raise ValidationError({"status": "Statut inconnu."})
        _set_status(referral, status=status, refusal_reason=refusal_reason or "", message=message)
        changed.append("status")
    elif message is not None and referral.target_structure_id is None:
        referral.response_message = message
        changed.append("response_message")
    referral.full_clean(
        exclude=[
            "structure",
            "person",
            "created_by",
            "place",
            "place_service",
            "target_structure",
            "accompaniment",
            "diagnostic",
            "right_follow_up",
            "answered_by",
        ],
        validate_constraints=False,
    )
    referral.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.REFERRAL_UPDATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=referral,
        person_id=referral.person_id,
        detail={"fields": sorted(set(changed)), "status": referral.status},
    )
    return referral


def _set_status(referral: Referral, *, status: str, refusal_reason: str, message: str | None) -> None:
    if status == ReferralStatus.REFUSED:
        if refusal_reason not in RefusalReason.values:
            raise ValidationError({"refusal_reason": "Indiquez le motif du refus."})
        if refusal_reason == RefusalReason.OTHER and not (message or "").strip():
            raise ValidationError({"response_message": "Précisez le motif du refus."})
    else:
        refusal_reason = ""
    referral.status = status
    referral.refusal_reason = refusal_reason
    referral.status_changed_at = timezone.now()
    if message is not None:
        referral.response_message = message


@transaction.atomic
def referral_answer(
    *, membership: Membership, referral: Referral, status: str, refusal_reason: str = "", message: str = ""
) -> Referral:
    """Answer a referral received by the member's structure: take it in hand, accept it, or refuse it with a
    reason. The sender sees the status, the reason and the message; nothing else crosses."""
    if not can_answer_referrals(membership):
        raise PermissionDenied("Votre rôle ne permet pas de répondre aux orientations reçues.")
    if referral.target_structure_id != membership.structure_id:
        raise PermissionDenied("Cette orientation n'est pas adressée à votre structure.")
    if status not in ANSWER_STATUSES:
        raise ValidationError({"status": "Répondez « en cours », « acceptée » ou « refusée »."})
    if referral.status not in OPEN_STATUSES | {ReferralStatus.NO_ANSWER} and status != referral.status:
        raise ValidationError({"status": "Cette orientation a déjà reçu une réponse définitive."})
    if len(message) > 2000:
        raise ValidationError({"response_message": "2 000 caractères au plus."})
    _set_status(referral, status=status, refusal_reason=refusal_reason, message=message)
    referral.answered_by = membership.user
    referral.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.REFERRAL_ANSWER,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=referral,
        person_id=referral.person_id,
        detail={"status": status, "refusal_reason": referral.refusal_reason},
    )
    return referral
