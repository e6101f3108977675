"""The only writers of mandates, their revocations and their uses."""

import datetime
import json
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.people.access import member_sees_person
from appui.people.models import Person

from .attestation import render_attestation, sha256
from .enums import CONSENT_VERSION, MandateDuration, procedure_category_choices
from .models import Mandate, MandateRevocation, MandateUse

if TYPE_CHECKING:
    from appui.accompaniments.models import Accompaniment

CONSENT_DIR = Path(__file__).resolve().parent / "consent"
_DURATIONS = {
    MandateDuration.ONE_DAY: relativedelta(days=1),
    MandateDuration.ONE_MONTH: relativedelta(months=1),
    MandateDuration.SIX_MONTHS: relativedelta(months=6),
    MandateDuration.TWELVE_MONTHS: relativedelta(months=12),
}


def mandate_end(start: datetime.datetime, duration: str) -> datetime.datetime:
    """Return the end of a mandate: the same wall-clock time in Paris, one day or some months later.

    Adding months to a UTC instant would shift the end by one hour across a change of summer time (a mandate
    signed at 18:40 in winter would end at 19:40 in summer); the person reads Paris times.
    """
    return timezone.localtime(start) + _DURATIONS[MandateDuration(duration)]


def category_labels(categories: list[str]) -> list[str]:
    labels = dict(procedure_category_choices())
    return [labels.get(c, c) for c in categories]


def consent_text(
    *,
    person: Person,
    structure_name: str,
    categories: list[str],
    start: datetime.datetime,
    end: datetime.datetime | None,
    version: str = CONSENT_VERSION,
) -> str:
    """Return the consent text the person reads and accepts, in its versioned wording (``end`` is None in a
    preview while no duration is chosen)."""
    template = (CONSENT_DIR / f"{version}.txt").read_text(encoding="utf-8")
    return template.format(
        person=str(person),
        structure=structure_name,
        categories=", ".join(category_labels(categories)) or "(aucune catégorie choisie pour l'instant)",
        start=f"{timezone.localtime(start):%d/%m/%Y à %H:%M}",
        end=f"{timezone.localtime(end):%d/%m/%Y à %H:%M}" if end else "(durée à choisir)",
    )


def _content_hash(payload: dict[str, object]) -> str:
    return sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())


def _check_member(membership: Membership, person: Person) -> None:
    if person.structure_id != membership.structure_id:
        raise PermissionDenied("Cette fiche n'appartient pas à votre structure.")
    if not policy.can_act_under_mandate(membership):
        raise PermissionDenied("Votre rôle ne permet pas de gérer les mandats.")


@transaction.atomic
def mandate_create(
    *, membership: Membership, person: Person, categories: list[str], duration: str, person_present: bool
) -> Mandate:
    """Record a mandate given in person; produce its attestation and journal its hashes."""
    _check_member(membership, person)
    if person.is_anonymous:
        raise ValidationError("Un mandat exige une fiche nominative.")
    if not person_present:
        raise ValidationError({"person_present": "Le mandat se signe en présence de la personne."})
    valid = {value for value, _ in procedure_category_choices()}
    categories = list(dict.fromkeys(categories))
    if not categories:
        raise ValidationError({"categories": "Choisissez au moins une catégorie de démarches."})
    if any(c not in valid for c in categories):
        raise ValidationError({"categories": "Catégorie de démarches inconnue."})
    if duration not in _DURATIONS:
        raise ValidationError({"duration": "Durée inconnue."})
    start = timezone.now().replace(microsecond=0)
    end = mandate_end(start, duration)
    text = consent_text(
        person=person, structure_name=membership.structure.name, categories=categories, start=start, end=end
    )
    content_hash = _content_hash(
        {
            "person": person.pk,
            "file_number": person.file_number,
            "structure": membership.structure_id,
            "categories": categories,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "consent_version": CONSENT_VERSION,
            "consent_text": text,
        }
    )
    pdf = render_attestation(
        title=f"Mandat - {membership.structure.name}",
        lines=[
            ("Personne :", f"{person} (dossier {person.file_number})"),
            ("Structure :", membership.structure.name),
            ("Démarches :", ", ".join(category_labels(categories))),
            ("Valable du :", f"{timezone.localtime(start):%d/%m/%Y %H:%M} au {timezone.localtime(end):%d/%m/%Y %H:%M}"),
            ("Enregistré par :", str(membership.user)),
            ("Texte de consentement :", f"version {CONSENT_VERSION}"),
        ],
        body=text,
        content_hash=content_hash,
        created=start,
    )
    mandate = Mandate.objects.create(
        structure=membership.structure,
        person=person,
        created_by=membership.user,
        categories=categories,
        duration=duration,
        starts_at=start,
        expires_at=end,
        consent_version=CONSENT_VERSION,
        consent_text=text,
        content_hash=content_hash,
        attestation_pdf=pdf,
        attestation_sha256=sha256(pdf),
    )
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.MANDATE_CREATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=mandate,
        person_id=person.pk,
        detail={
            "categories": categories,
            "expires_at": end.isoformat(),
            "content_hash": content_hash,
            "pdf_sha256": mandate.attestation_sha256,
        },
    )
    return mandate


@transaction.atomic
def mandate_revoke(
    *, membership: Membership, mandate: Mandate, categories: list[str] | None, reason: str = ""
) -> MandateRevocation:
    """Withdraw some categories (or all, when ``categories`` is None) and produce a revocation attestation."""
    _check_member(membership, mandate.person)
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    still = mandate.active_categories()
    if not still:
        raise ValidationError("Ce mandat n'est plus actif : il n'y a rien à révoquer.")
    chosen = still if categories is None else list(dict.fromkeys(categories))
    if not chosen or any(c not in still for c in chosen):
        raise ValidationError({"categories": "Choisissez des catégories encore couvertes par le mandat."})
    now = timezone.now().replace(microsecond=0)
    whole = set(chosen) == set(still)
    mandate.revoked_categories = list(dict.fromkeys([*mandate.revoked_categories, *chosen]))
    if whole:
        mandate.revoked_at = now
    mandate.save(update_fields=["revoked_categories", "revoked_at"])
    pdf = render_attestation(
        title=f"Révocation de mandat - {mandate.structure.name}",
        lines=[
            ("Personne :", f"{mandate.person} (dossier {mandate.person.file_number})"),
            ("Mandat :", f"n° {mandate.pk} du {timezone.localtime(mandate.starts_at):%d/%m/%Y}"),
            ("Démarches retirées :", ", ".join(category_labels(chosen))),
            ("Révocation :", "totale" if whole else "partielle"),
            ("Motif :", reason or "non précisé"),
            ("Date :", f"{timezone.localtime(now):%d/%m/%Y %H:%M}"),
            ("Enregistrée par :", str(membership.user)),
        ],
        body=(
            "À compter de cette date, la structure ne peut plus réaliser à la place de la personne "
            "les démarches retirées."
        ),
        content_hash=mandate.content_hash,
        created=now,
    )
    revocation = MandateRevocation.objects.create(
        mandate=mandate,
        categories=chosen,
        whole=whole,
        reason=reason.strip()[:255],
        revoked_by=membership.user,
        revoked_at=now,
        attestation_pdf=pdf,
        attestation_sha256=sha256(pdf),
    )
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.MANDATE_REVOKE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=mandate,
        person_id=mandate.person_id,
        detail={"categories": chosen, "whole": whole, "pdf_sha256": revocation.attestation_sha256},
    )
    return revocation


def mandate_check_use(
    *, membership: Membership, mandate: Mandate | None, person: Person, categories: set[str], at: datetime.datetime
) -> Mandate:
    """Return the mandate if it lets the member act in the person's place for ``categories`` at ``at``.

    Raise ValidationError in plain French otherwise: no mandate, another person's, expired, revoked, or
    a category it does not cover.
    """
    if not policy.can_act_under_mandate(membership):
        raise PermissionDenied("Votre rôle ne permet pas de faire des démarches à la place d'une personne.")
    if not categories:
        raise ValidationError(
            {
                "themes": (
                    "Une démarche faite à la place de la personne doit avoir une catégorie de démarche "
                    "(papiers, logement…)."
                )
            }
        )
    if mandate is None:
        raise ValidationError(
            {"mandate": "« Fait à sa place » exige un mandat valide de la personne. Créez-le d'abord avec elle."}
        )
    if mandate.person_id != person.pk or mandate.structure_id != membership.structure_id:
        raise ValidationError({"mandate": "Ce mandat ne concerne pas cette personne."})
    if not mandate.covers(categories, at):
        missing = sorted(categories - set(mandate.active_categories(at)))
        if mandate.active_categories(at):
            raise ValidationError({"mandate": f"Le mandat ne couvre pas : {', '.join(category_labels(missing))}."})
        raise ValidationError({"mandate": "Ce mandat n'est plus valide (expiré ou révoqué) à la date de la démarche."})
    return mandate


def mandate_use_record(
    *,
    membership: Membership,
    mandate: Mandate,
    accompaniment: "Accompaniment",
    categories: set[str],
    at: datetime.datetime,
) -> MandateUse:
    """Journal one use of a mandate; called inside the accompaniment's transaction."""
    use = MandateUse.objects.create(
        mandate=mandate, accompaniment=accompaniment, categories=sorted(categories), used_by=membership.user, used_at=at
    )
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.MANDATE_USE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=use,
        person_id=mandate.person_id,
        detail={"mandate": mandate.pk, "categories": sorted(categories)},
    )
    return use


def mandate_reminders_send(*, now: datetime.datetime | None = None, within_days: int = 15) -> int:
    """E-mail the author of each mandate expiring within ``within_days`` (once per mandate); return the count."""
    now = now or timezone.now()
    sent = 0
    for mandate in (
        Mandate.objects.current(now)
        .filter(expires_at__lte=now + datetime.timedelta(days=within_days), reminder_sent_at__isnull=True)
        .select_related("created_by", "structure", "person")
    ):
        if not member_sees_person(
            user_id=mandate.created_by_id, structure_id=mandate.structure_id, person_id=mandate.person_id
        ):
            continue  # the author may no longer open the record (archived, or no longer a member): no e-mail
        message = (
            f"Le mandat n° {mandate.pk} ({mandate.structure}) prend fin le "
            f"{timezone.localtime(mandate.expires_at):%d/%m/%Y}. S'il faut le renouveler, faites-le avec la personne."
        )
        with transaction.atomic():
            Mandate.objects.filter(pk=mandate.pk).update(reminder_sent_at=now)
            transaction.on_commit(partial(mandate.created_by.email_user, "Un mandat arrive à échéance", message))
        sent += 1
    return sent
