"""The only writers of accompaniments."""

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.people.models import Person
from appui.people.services import person_touch

from .enums import PROCEDURE_THEMES, Kind, Mode, OnlineService, Theme
from .models import Accompaniment

if TYPE_CHECKING:
    from appui.mandates.models import Mandate

EDITABLE_FIELDS = frozenset(
    {
        "date",
        "duration_minutes",
        "place",
        "kind",
        "participants",
        "themes",
        "online_services",
        "mode",
        "autonomy",
        "outcome",
        "next_step",
        "follow_up_date",
        "follow_up_done",
        "notes",
        "private_note",
    }
)
# Fields the accueil role can neither read nor write (issue 2: no situation, no notes).
NOTE_FIELDS = frozenset({"outcome", "next_step", "notes"})


def _validate(fields: dict[str, Any], membership: Membership) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    if not policy.can_view_notes(membership) and any(fields.get(name) for name in NOTE_FIELDS):
        raise PermissionDenied("Votre rôle ne permet pas de rédiger des notes d'accompagnement.")
    errors: dict[str, str] = {}
    themes = fields.get("themes")
    if themes is not None:
        if not themes:
            errors["themes"] = "Choisissez au moins une thématique."
        elif any(t not in Theme.values for t in themes):
            errors["themes"] = "Thématique inconnue."
        else:
            fields["themes"] = list(dict.fromkeys(themes))
    services = fields.get("online_services")
    if services is not None:
        if any(s not in OnlineService.values for s in services):
            errors["online_services"] = "Service en ligne inconnu."
        else:
            fields["online_services"] = list(dict.fromkeys(services))
    day = fields.get("date")
    if isinstance(day, datetime.date) and day > timezone.localdate():
        errors["date"] = "La date d'un accompagnement ne peut pas être dans le futur."
    if errors:
        raise ValidationError(errors)


def _procedure_categories(accompaniment: Accompaniment) -> set[str]:
    return {t for t in accompaniment.themes if t in PROCEDURE_THEMES}


def _moment(day: datetime.date) -> datetime.datetime:
    """Return when a procedure of ``day`` is checked against a mandate: now for today, else noon that day."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _check_consistency(accompaniment: Accompaniment) -> None:
    if accompaniment.kind == Kind.INDIVIDUAL and accompaniment.participants != 1:
        raise ValidationError({"participants": "Un accompagnement individuel compte un seul participant."})
    if accompaniment.kind == Kind.COLLECTIVE and accompaniment.participants < 2:
        raise ValidationError({"participants": "Un atelier collectif compte au moins 2 participants."})
    if accompaniment.follow_up_date and accompaniment.follow_up_date < accompaniment.date:
        raise ValidationError({"follow_up_date": "La date de suivi doit suivre la date de l'accompagnement."})


@transaction.atomic
def accompaniment_create(
    *, membership: Membership, person: Person, fields: dict[str, Any], mandate: "Mandate | None" = None
) -> Accompaniment:
    """Record an accompaniment of ``person`` by the member.

    A procedure done in the person's place ("fait à sa place") must rest on a valid mandate covering every
    procedure category of the accompaniment; its use is journaled.
    """
    from appui.mandates.services import mandate_check_use, mandate_use_record

    if not policy.can_record_accompaniment(membership):
        raise PermissionDenied("Votre rôle ne permet pas d'enregistrer un accompagnement.")
    if person.structure_id != membership.structure_id:
        raise PermissionDenied("Cette fiche n'appartient pas à votre structure.")
    fields = dict(fields)
    _validate(fields, membership)
    fields.setdefault("kind", Kind.INDIVIDUAL)
    if fields["kind"] == Kind.INDIVIDUAL:
        fields.setdefault("participants", 1)
    accompaniment = Accompaniment(
        structure=membership.structure,
        person=person,
        author=membership.user,
        notes_under_secrecy=membership.bound_by_secrecy,
        **fields,
    )
    # Foreign keys come from access helpers and the database enforces the check constraints;
    # _check_consistency says the same in French. Skipping them saves one query each.
    accompaniment.full_clean(exclude=["structure", "person", "author"], validate_constraints=False)
    _check_consistency(accompaniment)
    on_behalf = accompaniment.mode == Mode.ON_BEHALF
    if on_behalf:
        mandate = mandate_check_use(
            membership=membership,
            mandate=mandate,
            person=person,
            categories=_procedure_categories(accompaniment),
            at=_moment(accompaniment.date),
        )
    accompaniment.save()
    if on_behalf and mandate is not None:
        mandate_use_record(
            membership=membership,
            mandate=mandate,
            accompaniment=accompaniment,
            categories=_procedure_categories(accompaniment),
            at=timezone.now(),
        )
    person_touch(person=person, when=timezone.now())
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.ACCOMPANIMENT_CREATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=accompaniment,
        person_id=person.pk,
    )
    return accompaniment


@transaction.atomic
def accompaniment_update(
    *, membership: Membership, accompaniment: Accompaniment, fields: dict[str, Any]
) -> Accompaniment:
    """Correct an accompaniment; only its author may, so that nobody rewrites a colleague's account."""
    if accompaniment.structure_id != membership.structure_id:
        raise PermissionDenied("Cet accompagnement n'appartient pas à votre structure.")
    if accompaniment.author_id != membership.user_id:
        raise PermissionDenied("Seul l'auteur d'un accompagnement peut le modifier.")
    fields = dict(fields)
    _validate(fields, membership)
    changed = sorted(name for name, value in fields.items() if getattr(accompaniment, name) != value)
    before = (accompaniment.mode, _procedure_categories(accompaniment), accompaniment.date)
    for name, value in fields.items():
        setattr(accompaniment, name, value)
    if (accompaniment.mode, _procedure_categories(accompaniment), accompaniment.date) != before and (
        Mode.ON_BEHALF in {before[0], accompaniment.mode}
    ):
        # What was done under a mandate is journaled as such; correct it by recording a new accompaniment.
        raise ValidationError(
            {"mode": "La réalisation, les démarches ou la date d'un acte « fait à sa place » ne se modifient pas."}
        )
    accompaniment.full_clean(exclude=["structure", "person", "author"], validate_constraints=False)
    _check_consistency(accompaniment)
    accompaniment.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.ACCOMPANIMENT_UPDATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=accompaniment,
        person_id=accompaniment.person_id,
        detail={"fields": changed},
    )
    return accompaniment
