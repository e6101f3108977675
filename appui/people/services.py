"""The only writers of persons and households."""

import datetime
from collections.abc import Collection
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from appui.accounts import policy
from appui.accounts.models import Membership, Structure, User
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.core.versions import StaleVersionError, claim_version

from .enums import AgeBand, Language, Obstacle
from .models import Household, HouseholdMember, Person
from .search_index import index_person, person_search_fields
from .selectors import find_duplicates

IDENTITY_FIELDS = frozenset(
    {
        "last_name",
        "first_name",
        "birth_name",
        "birth_date",
        "birth_year",
        "phone",
        "email",
        "address",
        "postal_code",
        "commune_code",
        "languages",
        "informed_at",
        "gender",
    }
)
SITUATION_FIELDS = frozenset(
    {"family_situation", "housing_status", "employment_status", "obstacles", "situation_details"}
)
ANONYMOUS_FIELDS = frozenset({"age_band", "gender", "social_status", "commune_code", "obstacles"})
# What an update may write besides the given fields: derived from them, or the bookkeeping of the write.
DERIVED_FIELDS = frozenset({"birth_year", "search_text", "search_phone", "search_email", "version", "updated_at"})


class DuplicatePersonError(Exception):
    """Raised when persons the member may see are probably the one about to be recorded (see find_duplicates)."""

    def __init__(self, duplicates: list[Person]):
        super().__init__("Une fiche existe peut-être déjà pour cette personne : même date de naissance et nom proche.")
        self.duplicates = duplicates


def _next_file_number(structure: Structure) -> str:
    # Row-level increment keeps numbers unique under concurrent creations on PostgreSQL and SQLite.
    Structure.objects.filter(pk=structure.pk).update(file_counter=F("file_counter") + 1)
    counter = Structure.objects.values_list("file_counter", flat=True).get(pk=structure.pk)
    return f"{timezone.localdate().year}-{counter:05d}"


def _clean_lists(fields: dict[str, Any]) -> None:
    """Check the multi-valued fields against their enums: refuse the whole input on any unknown value."""
    for name, enum in (("obstacles", Obstacle), ("languages", Language)):
        values = fields.get(name)
        if values is None:
            continue
        unknown = [v for v in values if v not in enum.values]
        if unknown:
            raise ValidationError({name: f"Valeur inconnue : {', '.join(map(str, unknown))}."})
        fields[name] = list(dict.fromkeys(values))


def _check_allowed(membership: Membership, fields: dict[str, Any]) -> None:
    if not policy.can_write_person(membership):
        raise PermissionDenied("Votre rôle ne permet pas de modifier les fiches.")
    unknown = set(fields) - IDENTITY_FIELDS - SITUATION_FIELDS - {"referents"}
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    if not policy.can_view_situation(membership) and set(fields) & SITUATION_FIELDS:
        raise PermissionDenied("Votre rôle ne permet pas de renseigner la situation de la personne.")


def _apply(person: Person, fields: dict[str, Any]) -> list[User] | None:
    referents = fields.pop("referents", None)
    for name, value in fields.items():
        setattr(person, name, value)
    if person.birth_date:
        person.birth_year = person.birth_date.year
    for name, value in person_search_fields(person).items():
        setattr(person, name, value)
    return referents


def _set_referents(person: Person, referents: list[User] | None) -> None:
    if referents is None:
        return
    allowed = set(Membership.objects.active().filter(structure=person.structure).values_list("user_id", flat=True))
    if any(user.pk not in allowed for user in referents):
        raise ValidationError({"referents": "Un référent doit être un membre actif de la structure."})
    person.referents.set(referents)


@transaction.atomic
def person_create(
    *,
    membership: Membership,
    fields: dict[str, Any],
    allow_duplicate: bool = False,
    confirmed_duplicates: Collection[int] = (),
) -> Person:
    """Create a named person record in the member's structure.

    The person must have been informed of the processing of their data (``informed_at``).
    Raise DuplicatePersonError when persons the member may see are probably the same person (same birth date,
    similar names), unless ``allow_duplicate``, or unless the member has seen each of them and said this is
    another person (their ids in ``confirmed_duplicates``): a candidate that was not shown still stops it.
    """
    fields = dict(fields)
    _check_allowed(membership, fields)
    _clean_lists(fields)
    person = Person(structure=membership.structure, created_by=membership.user, is_anonymous=False)
    referents = _apply(person, fields)
    if not person.informed_at:
        raise ValidationError(
            {"informed_at": "Indiquez la date à laquelle la personne a été informée du traitement de ses données."}
        )
    if not person.birth_date and not person.birth_year:
        raise ValidationError({"birth_date": "Indiquez la date de naissance, ou au moins l'année de naissance."})
    if person.informed_at > timezone.localdate():
        raise ValidationError({"informed_at": "La date d'information ne peut pas être dans le futur."})
    person.file_number = "provisoire"
    person.full_clean(exclude=["file_number"])
    duplicates = find_duplicates(
        membership=membership,
        last_name=person.last_name,
        first_name=person.first_name,
        birth_name=person.birth_name,
        birth_date=person.birth_date,
        birth_year=person.birth_year,
    )
    if not allow_duplicate and {d.pk for d in duplicates} - set(confirmed_duplicates):
        raise DuplicatePersonError(duplicates)
    person.file_number = _next_file_number(membership.structure)
    person.last_activity_at = timezone.now()
    person.save()
    index_person(person)
    _set_referents(person, referents)
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.PERSON_CREATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=person,
        person_id=person.pk,
        # Kept so that a later merge of the two records can be traced to the member who set the warning aside.
        detail={"possible_duplicates": sorted(d.pk for d in duplicates)} if duplicates else None,
    )
    return person


@transaction.atomic
def person_anonymous_create(
    *,
    membership: Membership,
    age_band: str,
    commune_code: str = "",
    obstacles: list[str] | None = None,
    gender: str = "",
    social_status: str = "",
) -> Person:
    """Create a quick anonymous record for a one-off help at a counter.

    Only what the activity report counts is asked (age band, gender, social status, commune), and obstacles.
    """
    if not policy.can_record_accompaniment(membership):
        raise PermissionDenied("Votre rôle ne permet pas d'enregistrer un accompagnement.")
    if age_band == AgeBand.UNDER_18:
        raise ValidationError({"age_band": "Choisissez « moins de 12 ans » ou « 12 à 17 ans »."})
    fields: dict[str, Any] = {"obstacles": obstacles or []}
    _clean_lists(fields)
    person = Person(
        structure=membership.structure,
        created_by=membership.user,
        is_anonymous=True,
        age_band=age_band,
        gender=gender,
        social_status=social_status,
        commune_code=commune_code,
        obstacles=fields["obstacles"],
        file_number="provisoire",
    )
    person.full_clean(exclude=["file_number"])
    person.file_number = _next_file_number(membership.structure)
    person.last_activity_at = timezone.now()
    person.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.PERSON_CREATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=person,
        person_id=person.pk,
        detail={"anonymous": True},
    )
    return person


@transaction.atomic
def person_update(
    *, membership: Membership, person: Person, fields: dict[str, Any], expected_version: int | None
) -> Person:
    """Change some fields of a person; the audit event lists the names of the changed fields.

    ``expected_version`` is the version the change was prepared from (the form's, the API's If-Match): when the
    record has moved on since, StaleVersionError carries its current state and nothing is written.
    """
    if person.structure_id != membership.structure_id:
        raise PermissionDenied("Cette fiche n'appartient pas à votre structure.")
    if person.is_anonymous:
        raise ValidationError("Une fiche anonyme ne se modifie pas : créez une fiche nominative.")
    fields = dict(fields)
    _check_allowed(membership, fields)
    _clean_lists(fields)
    claim_version(person, expected_version)
    before = {name: getattr(person, name) for name in IDENTITY_FIELDS | SITUATION_FIELDS}
    referents = _apply(person, fields)
    changed = sorted(name for name, value in before.items() if getattr(person, name) != value)
    if not person.informed_at:
        raise ValidationError({"informed_at": "La date d'information est obligatoire."})
    person.full_clean()
    # Only what this change may touch: activity and archiving dates are written by others meanwhile.
    person.save(update_fields=sorted((set(fields) & (IDENTITY_FIELDS | SITUATION_FIELDS)) | DERIVED_FIELDS))
    if {"last_name", "first_name", "birth_name"} & set(changed):
        index_person(person)
    if referents is not None:
        previous_referents = set(person.referents.values_list("pk", flat=True))
        _set_referents(person, referents)
        if previous_referents != {u.pk for u in referents}:
            changed.append("referents")
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.PERSON_UPDATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=person,
        person_id=person.pk,
        detail={"fields": changed},
    )
    return person


def person_touch(*, person: Person, when: datetime.datetime) -> None:
    """Record activity on a person (used by the retention rules); called inside the caller's transaction."""
    Person.objects.filter(pk=person.pk).update(last_activity_at=when)


def _claim_household(person: Person, expected_version: int | None) -> Household:
    """Return the person's household (created on first use), its version moved on as ``claim_version`` does.

    ``expected_version`` 0 says the change was prepared while there was no household yet.
    """
    household, created = Household.objects.get_or_create(person=person)
    if created:
        return household
    if expected_version == 0:
        raise StaleVersionError(household)
    claim_version(household, expected_version)
    return household


@transaction.atomic
def household_member_add(
    *,
    membership: Membership,
    person: Person,
    relationship: str,
    first_name: str,
    birth_date: datetime.date,
    expected_version: int | None,
    last_name: str = "",
    is_dependent: bool = False,
) -> HouseholdMember:
    """Add a member to the person's household (created on first use).

    ``expected_version`` is the household's version the form showed (0: no household yet); a household changed
    since raises StaleVersionError, so that two workers do not record the same member twice.
    """
    if person.structure_id != membership.structure_id:
        raise PermissionDenied("Cette fiche n'appartient pas à votre structure.")
    if not policy.can_view_situation(membership):
        raise PermissionDenied("Votre rôle ne permet pas de renseigner le foyer.")
    if birth_date > timezone.localdate():
        raise ValidationError({"birth_date": "La date de naissance ne peut pas être dans le futur."})
    household = _claim_household(person, expected_version)
    member = HouseholdMember(
        household=household,
        relationship=relationship,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        is_dependent=is_dependent,
    )
    member.full_clean()
    member.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.HOUSEHOLD_MEMBER_ADD,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=member,
        person_id=person.pk,
    )
    return member


@transaction.atomic
def household_member_remove(*, membership: Membership, member: HouseholdMember, expected_version: int | None) -> None:
    """Remove a member from a household, provided the household is still at ``expected_version``."""
    household = member.household
    person = household.person
    if person.structure_id != membership.structure_id:
        raise PermissionDenied("Cette fiche n'appartient pas à votre structure.")
    if not policy.can_view_situation(membership):
        raise PermissionDenied("Votre rôle ne permet pas de modifier le foyer.")
    claim_version(household, expected_version)
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.HOUSEHOLD_MEMBER_REMOVE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=member,
        person_id=person.pk,
    )
    member.delete()
