"""The only writers of accompaniments, collective workshops and their participations."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.core.versions import claim_version
from appui.people.enums import (
    SOCIAL_STATUS_OF_EMPLOYMENT,
    Gender,
    SocialStatus,
    age_band_choices,
    age_band_of,
)
from appui.people.models import Person
from appui.people.services import person_touch
from appui.places.models import Place

from .enums import (
    PROCEDURE_THEMES,
    Equipment,
    Kind,
    Mode,
    OnlineService,
    PlaceKind,
    ProcedureStatus,
    ReferralTarget,
    RemoteChannel,
    Theme,
    WorkshopLevel,
)
from .models import Accompaniment, Participation

if TYPE_CHECKING:
    from appui.mandates.models import Mandate

EDITABLE_FIELDS = frozenset(
    {
        "date",
        "duration_minutes",
        "place_kind",
        "place",
        "place_commune_code",
        "remote_channel",
        "kind",
        "equipment",
        "themes",
        "online_services",
        "mode",
        "autonomy",
        "procedure_status",
        "referred_to",
        "workshop_title",
        "workshop_level",
        "outcome",
        "next_step",
        "follow_up_date",
        "follow_up_done",
        "notes",
        "private_note",
    }
)
# What a workshop records besides the activity: no person-level result, autonomy, procedure or referral.
WORKSHOP_EXCLUDED = frozenset({"autonomy", "procedure_status", "referred_to", "outcome", "next_step"})
MAX_PARTICIPANTS = 500
# Where the activity took place: _resolve_place sets them together.
PLACE_FIELDS = frozenset({"place_kind", "place", "place_commune_code", "remote_channel"})


@dataclass(frozen=True)
class AnonymousParticipants:
    """The participants of a workshop who have no record: a number, and how many of them are in each category.

    The counts by category are the CRA's: each may cover only part of the group, the rest is "non communiqué".
    """

    count: int = 0
    genders: dict[str, int] = field(default_factory=dict)
    age_bands: dict[str, int] = field(default_factory=dict)
    social_statuses: dict[str, int] = field(default_factory=dict)

    def validate(self) -> None:
        errors: dict[str, str] = {}
        if self.count < 0:
            errors["anonymous_count"] = "Le nombre de participants ne peut pas être négatif."
        checks = (
            ("genders", self.genders, {v for v in Gender.values if v}, "genre"),
            ("age_bands", self.age_bands, {v for v, _ in age_band_choices()}, "tranche d'âge"),
            ("social_statuses", self.social_statuses, {v for v in SocialStatus.values if v}, "statut social"),
        )
        for name, counts, allowed, label in checks:
            if set(counts) - allowed:
                errors[name] = f"Valeur inconnue de {label}."
            elif any(n < 0 for n in counts.values()):
                errors[name] = f"Un nombre par {label} ne peut pas être négatif."
            elif sum(counts.values()) > self.count:
                errors[name] = (
                    f"Les nombres par {label} ({sum(counts.values())}) dépassent le nombre de participants sans "
                    f"fiche ({self.count})."
                )
        if errors:
            raise ValidationError(errors)

    def rows(self) -> list[tuple[str, str, str]]:
        """Return (gender, age band, social status) for each anonymous participant.

        Only the counts by category are known, not who is who: categories are paired in a fixed order, which
        keeps every count by category exact (cross-tabulations of anonymous participants mean nothing).
        """

        def spread(counts: dict[str, int]) -> list[str]:
            values = [value for value, n in counts.items() for _ in range(n)]
            return values + [""] * (self.count - len(values))

        return list(zip(spread(self.genders), spread(self.age_bands), spread(self.social_statuses), strict=True))


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
    equipment = fields.get("equipment")
    if equipment is not None:
        if any(e not in Equipment.values for e in equipment):
            errors["equipment"] = "Matériel inconnu."
        elif Equipment.NONE in equipment and len(set(equipment)) > 1:
            errors["equipment"] = "« Pas de matériel » ne se coche pas avec un matériel."
        else:
            fields["equipment"] = list(dict.fromkeys(equipment))
    for name, enum in (
        ("procedure_status", ProcedureStatus),
        ("referred_to", ReferralTarget),
        ("workshop_level", WorkshopLevel),
        ("remote_channel", RemoteChannel),
        ("place_kind", PlaceKind),
    ):
        if fields.get(name) and fields[name] not in enum.values:
            errors[name] = "Valeur inconnue."
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


def _resolve_place(accompaniment: Accompaniment) -> None:
    """Check where the activity took place: one of the structure's own open places, home, remote or other.

    Without a choice, the structure's first open place is taken (the default of quick entry); at home, the
    commune is the person's unless another is given.
    """
    if not accompaniment.place_kind:
        accompaniment.place_kind = PlaceKind.OWN_PLACE
    if accompaniment.place_kind == PlaceKind.OWN_PLACE:
        if accompaniment.place is None:
            accompaniment.place = Place.objects.of_structure(accompaniment.structure_id).open().first()
            if accompaniment.place is None:
                raise ValidationError(
                    {"place": "Votre structure n'a encore aucun lieu : le ou la responsable l'ajoute dans « Lieux »."}
                )
        elif accompaniment.place.structure_id != accompaniment.structure_id:
            raise ValidationError({"place": "Ce lieu n'est pas un lieu de votre structure."})
        accompaniment.place_commune_code = ""
        accompaniment.remote_channel = ""
        return
    accompaniment.place = None
    if accompaniment.place_kind == PlaceKind.REMOTE:
        accompaniment.place_commune_code = ""
        return
    accompaniment.remote_channel = ""
    if accompaniment.place_kind == PlaceKind.HOME and not accompaniment.place_commune_code and accompaniment.person:
        accompaniment.place_commune_code = accompaniment.person.commune_code


def _check_consistency(accompaniment: Accompaniment) -> None:
    if accompaniment.follow_up_date and accompaniment.follow_up_date < accompaniment.date:
        raise ValidationError({"follow_up_date": "La date de suivi doit suivre la date de l'accompagnement."})
    if accompaniment.kind == Kind.COLLECTIVE and accompaniment.mode in {Mode.ON_BEHALF, Mode.REFERRAL}:
        raise ValidationError({"mode": "Un atelier collectif est un atelier pratique ou une information collective."})


def participation_categories(person: Person, day: datetime.date) -> dict[str, Any]:
    """Return the categories of ``person`` that statistics count, as of ``day`` (the CRA's beneficiary fields).

    The age band follows from the birth date (or year) at that day, else the band recorded; the social
    status is the one recorded on an anonymous record, else the one the employment situation amounts to.
    """
    status = person.social_status or SOCIAL_STATUS_OF_EMPLOYMENT.get(person.employment_status, SocialStatus.UNKNOWN)
    age = person.age(day)
    return {
        "followed": not person.is_anonymous,
        "gender": person.gender or Gender.UNKNOWN,
        "age_band": age_band_of(age) if age is not None else person.age_band,
        "social_status": str(status),
        "commune_code": person.commune_code,
    }


def _write_participations(
    accompaniment: Accompaniment, persons: Iterable[Person], anonymous: AnonymousParticipants
) -> set[int]:
    """Replace the participations of the activity; return the ids of the persons whose first activity may move."""
    before = set(accompaniment.participations.filter(person__isnull=False).values_list("person_id", flat=True))
    accompaniment.participations.all().delete()
    where = {"accompaniment": accompaniment, "structure_id": accompaniment.structure_id, "date": accompaniment.date}
    rows = [
        Participation(**where, person=person, **participation_categories(person, accompaniment.date))
        for person in persons
    ]
    rows += [
        Participation(**where, gender=g, age_band=a, social_status=s, is_first=True) for g, a, s in anonymous.rows()
    ]
    Participation.objects.bulk_create(rows)
    return before | {row.person_id for row in rows if row.person_id is not None}


def _refresh_first_flags(person_ids: Iterable[int]) -> None:
    """Mark, for each person, their earliest participation as their first activity in the structure."""
    for person_id in person_ids:
        first = (
            Participation.objects.filter(person_id=person_id)
            .order_by("accompaniment__date", "accompaniment_id")
            .values_list("pk", flat=True)
            .first()
        )
        if first is None:
            continue
        Participation.objects.filter(person_id=person_id, is_first=True).exclude(pk=first).update(is_first=False)
        Participation.objects.filter(pk=first, is_first=False).update(is_first=True)


def _refresh_days(accompaniment: Accompaniment, *other_days: datetime.date) -> None:
    """Keep the statistics' daily roll-ups of the activity's day (and of its former day) up to date."""
    from appui.reporting.rollups import refresh_day

    for day in {accompaniment.date, *other_days}:
        refresh_day(structure_id=accompaniment.structure_id, day=day)


def _touch_all(persons: Iterable[Person]) -> None:
    now = timezone.now()
    for person in persons:
        person_touch(person=person, when=now)


@transaction.atomic
def accompaniment_create(
    *, membership: Membership, person: Person, fields: dict[str, Any], mandate: "Mandate | None" = None
) -> Accompaniment:
    """Record an individual accompaniment of ``person`` by the member.

    A procedure done in the person's place ("fait à sa place") must rest on a valid mandate covering every
    procedure category of the accompaniment; its use is journaled. The person's categories are recorded with
    it for statistics (``participation_categories``).
    """
    from appui.mandates.services import mandate_check_use, mandate_use_record

    if not policy.can_record_accompaniment(membership):
        raise PermissionDenied("Votre rôle ne permet pas d'enregistrer un accompagnement.")
    if person.structure_id != membership.structure_id:
        raise PermissionDenied("Cette fiche n'appartient pas à votre structure.")
    fields = dict(fields)
    fields.pop("participants", None)
    _validate(fields, membership)
    if fields.setdefault("kind", Kind.INDIVIDUAL) != Kind.INDIVIDUAL:
        raise ValidationError({"kind": "Un atelier collectif s'enregistre comme atelier, avec ses participants."})
    accompaniment = Accompaniment(
        structure=membership.structure,
        person=person,
        author=membership.user,
        notes_under_secrecy=membership.bound_by_secrecy,
        participants=1,
        **fields,
    )
    _resolve_place(accompaniment)
    # Foreign keys come from access helpers and the database enforces the check constraints;
    # _check_consistency says the same in French. Skipping them saves one query each.
    accompaniment.full_clean(exclude=["structure", "person", "author", "place"], validate_constraints=False)
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
    _refresh_first_flags(_write_participations(accompaniment, [person], AnonymousParticipants()))
    _refresh_days(accompaniment)
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


def _check_workshop_persons(membership: Membership, persons: list[Person], anonymous: AnonymousParticipants) -> None:
    if any(p.structure_id != membership.structure_id for p in persons):
        raise PermissionDenied("Une des personnes n'appartient pas à votre structure.")
    anonymous.validate()
    total = len(persons) + anonymous.count
    if total < 1:
        raise ValidationError({"anonymous_count": "Un atelier compte au moins un participant."})
    if total > MAX_PARTICIPANTS:
        raise ValidationError({"anonymous_count": f"Un atelier compte au plus {MAX_PARTICIPANTS} participants."})


@transaction.atomic
def workshop_create(
    *,
    membership: Membership,
    fields: dict[str, Any],
    persons: list[Person],
    anonymous: AnonymousParticipants,
) -> Accompaniment:
    """Record a collective workshop: one activity, with its followed participants and anonymous ones.

    Each followed participant finds the workshop in their timeline. The audit event names no person: the
    workshop is not about one of them.
    """
    if not policy.can_record_accompaniment(membership):
        raise PermissionDenied("Votre rôle ne permet pas d'enregistrer un atelier.")
    fields = {k: v for k, v in fields.items() if k not in WORKSHOP_EXCLUDED}
    _validate(fields, membership)
    persons = list(dict.fromkeys(persons))
    _check_workshop_persons(membership, persons, anonymous)
    fields["kind"] = Kind.COLLECTIVE
    accompaniment = Accompaniment(
        structure=membership.structure,
        person=None,
        author=membership.user,
        notes_under_secrecy=membership.bound_by_secrecy,
        participants=len(persons) + anonymous.count,
        **fields,
    )
    _resolve_place(accompaniment)
    accompaniment.full_clean(exclude=["structure", "person", "author", "place"], validate_constraints=False)
    _check_consistency(accompaniment)
    accompaniment.save()
    _refresh_first_flags(_write_participations(accompaniment, persons, anonymous))
    _refresh_days(accompaniment)
    _touch_all(persons)
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.ACCOMPANIMENT_CREATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=accompaniment,
        detail={"workshop": True, "followed": len(persons), "anonymous": anonymous.count},
    )
    return accompaniment


def _check_may_edit(membership: Membership, accompaniment: Accompaniment) -> None:
    if accompaniment.structure_id != membership.structure_id:
        raise PermissionDenied("Cet accompagnement n'appartient pas à votre structure.")
    if accompaniment.author_id != membership.user_id:
        raise PermissionDenied("Seul l'auteur d'un accompagnement peut le modifier.")


def _written_fields(fields: dict[str, Any], *also: str) -> list[str]:
    """Return the columns an update writes: the given fields (with the place's as a whole) and its bookkeeping.

    The fields a form does not show (notes the member may not read) are not given, hence kept as they are.
    """
    names = set(fields) | set(also) | {"version", "updated_at"}
    if names & PLACE_FIELDS:
        names |= PLACE_FIELDS
    return sorted(names)


@transaction.atomic
def accompaniment_update(
    *, membership: Membership, accompaniment: Accompaniment, fields: dict[str, Any], expected_version: int | None
) -> Accompaniment:
    """Correct an activity; only its author may, so that nobody rewrites a colleague's account.

    A changed date moves the participations with it (their categories are taken again at the new date).
    ``expected_version`` is the version the correction was prepared from: when the activity has moved on
    since (another tab, the API), StaleVersionError carries its current state and nothing is written.
    """
    _check_may_edit(membership, accompaniment)
    fields = dict(fields)
    fields.pop("participants", None)
    if accompaniment.kind == Kind.COLLECTIVE:
        fields = {k: v for k, v in fields.items() if k not in WORKSHOP_EXCLUDED}
    _validate(fields, membership)
    if fields.get("kind", accompaniment.kind) != accompaniment.kind:
        raise ValidationError({"kind": "Un accompagnement individuel ne devient pas un atelier, ni l'inverse."})
    claim_version(accompaniment, expected_version)
    changed = sorted(name for name, value in fields.items() if getattr(accompaniment, name) != value)
    former_day = accompaniment.date
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
    _resolve_place(accompaniment)
    accompaniment.full_clean(exclude=["structure", "person", "author", "place"], validate_constraints=False)
    _check_consistency(accompaniment)
    accompaniment.save(update_fields=_written_fields(fields))
    if "date" in changed:
        accompaniment.participations.update(date=accompaniment.date)
        followed = list(accompaniment.participations.select_related("person").filter(person__isnull=False))
        for participation in followed:
            for name, value in participation_categories(participation.person, accompaniment.date).items():  # type: ignore[arg-type]
                setattr(participation, name, value)
        Participation.objects.bulk_update(followed, ["followed", "gender", "age_band", "social_status", "commune_code"])
        _refresh_first_flags(p.person_id for p in followed if p.person_id)
    _refresh_days(accompaniment, former_day)
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


@transaction.atomic
def workshop_update(
    *,
    membership: Membership,
    accompaniment: Accompaniment,
    fields: dict[str, Any],
    persons: list[Person],
    anonymous: AnonymousParticipants,
    expected_version: int | None,
) -> Accompaniment:
    """Correct a workshop and its participants (its author only), from ``expected_version`` as above.

    ``persons`` are the followed participants the member may see; those they may not see (a record archived since,
    readable by the DPO only) stay in the workshop: what the member cannot see, they cannot remove.
    """
    _check_may_edit(membership, accompaniment)
    if accompaniment.kind != Kind.COLLECTIVE:
        raise ValidationError({"kind": "Cet accompagnement n'est pas un atelier."})
    persons = list(dict.fromkeys(persons))
    hidden = list(
        Person.objects.filter(participations__accompaniment=accompaniment)
        .exclude(pk__in=Person.objects.visible_by(membership).values("pk"))
        .exclude(pk__in=[p.pk for p in persons])
    )
    persons += hidden
    _check_workshop_persons(membership, persons, anonymous)
    fields = {k: v for k, v in fields.items() if k not in WORKSHOP_EXCLUDED and k != "kind"}
    _validate(fields, membership)
    claim_version(accompaniment, expected_version)
    changed = sorted(name for name, value in fields.items() if getattr(accompaniment, name) != value)
    former_day = accompaniment.date
    for name, value in fields.items():
        setattr(accompaniment, name, value)
    accompaniment.participants = len(persons) + anonymous.count
    _resolve_place(accompaniment)
    accompaniment.full_clean(exclude=["structure", "person", "author", "place"], validate_constraints=False)
    _check_consistency(accompaniment)
    accompaniment.save(update_fields=_written_fields(fields, "participants"))
    _refresh_first_flags(_write_participations(accompaniment, persons, anonymous))
    _refresh_days(accompaniment, former_day)
    _touch_all([p for p in persons if p not in hidden])
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.ACCOMPANIMENT_UPDATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=accompaniment,
        detail={"fields": changed + ["participants"], "followed": len(persons), "anonymous": anonymous.count},
    )
    return accompaniment
