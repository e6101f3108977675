"""Retention of person records (CNIL référentiel « accompagnement social et médico-social », 2021 and 2023).

1. A person without activity for ``structure.retention_months`` (default 24) is archived: only the DPO reads it.
2. After ``structure.archive_months`` more in the archive, the record is anonymised: identity, contact, notes,
   documents are erased; what is left feeds statistics only. The audit events about the person lose their
   personal fields when the journal's own retention ends (docs/audit.md), not sooner.
3. Records of public bodies (CCAS, communes, départements) are public archives (Code du patrimoine L.212-2):
   they are put on an elimination list that must be approved before anonymisation.

Every model linked to a person declares what anonymisation does to it in ``ANONYMISERS``; a model without an
entry makes anonymisation refuse to run (and the tests fail), so no new personal data escapes retention.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from appui.accounts.models import Membership, Structure
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_purge_personal_fields, audit_record
from appui.core.versions import bump_version

from .enums import age_band_of
from .models import Person

ANONYMISERS: dict[str, Callable[[Person], None]] = {}


def anonymiser(label: str) -> Callable[[Callable[[Person], None]], Callable[[Person], None]]:
    """Register what anonymising a person does to the rows of model ``label`` linked to them."""

    def register(function: Callable[[Person], None]) -> Callable[[Person], None]:
        ANONYMISERS[label] = function
        return function

    return register


def person_linked_models() -> list[type[models.Model]]:
    """Return every model holding a foreign key to Person, or to a model that does (two levels)."""
    direct = [
        model
        for model in apps.get_models()
        if model is not Person
        and any(
            isinstance(f, models.ForeignKey | models.OneToOneField) and f.related_model is Person
            for f in model._meta.concrete_fields
        )
    ]
    indirect = [
        model
        for model in apps.get_models()
        if model not in direct
        and model is not Person
        and any(
            isinstance(f, models.ForeignKey | models.OneToOneField) and f.related_model in direct
            for f in model._meta.concrete_fields
        )
    ]
    return direct + indirect


@anonymiser("people.PersonSearchToken")
def _search_tokens(person: Person) -> None:
    """Deleted with the identity below (the search index holds name prefixes)."""


@anonymiser("people.Household")
def _household(person: Person) -> None:
    from .models import Household, HouseholdMember

    HouseholdMember.objects.filter(household__person=person).delete()
    Household.objects.filter(person=person).update(version=bump_version())


@anonymiser("people.HouseholdMember")
def _household_member(person: Person) -> None:
    """Deleted with the household's members above."""


@anonymiser("accompaniments.Accompaniment")
def _accompaniments(person: Person) -> None:
    # Date, duration, themes and mode stay for activity statistics; what was written about the person goes.
    person.accompaniments.update(notes="", outcome="", next_step="", private_note="", version=bump_version())


@anonymiser("accompaniments.Participation")
def _participations(person: Person) -> None:
    """Gender, age band, status and commune stay: the coarse categories the activity report counts, as the
    anonymised record itself keeps its age band and commune."""


@anonymiser("mandates.Mandate")
def _mandates(person: Person) -> None:
    from appui.mandates.models import Mandate, MandateRevocation

    Mandate.objects.filter(person=person).update(consent_text="", attestation_pdf=b"")
    MandateRevocation.objects.filter(mandate__person=person).update(attestation_pdf=b"", reason="")


@anonymiser("mandates.MandateRevocation")
def _revocations(person: Person) -> None:
    """Handled with the mandates above."""


@anonymiser("mandates.MandateUse")
def _mandate_uses(person: Person) -> None:
    """Dates and categories only: nothing personal left once the person is anonymous."""


@anonymiser("service_alerts.ServiceAlert")
def _service_alerts(person: Person) -> None:
    """Reports hold no personal data; the link to the accompaniment stays for statistics."""


@anonymiser("people.RightsRequest")
def _rights_requests(person: Person) -> None:
    person.rights_requests.update(details="", answer="")


@anonymiser("people.AccessExportPart")
def _access_export_parts(person: Person) -> None:
    # The parts sealed for the person hold their data (encrypted with their passphrase): deleted with the rest.
    from .export_parts import AccessExportPart

    AccessExportPart.objects.filter(request__person=person).delete()


@anonymiser("diagnostics.Diagnostic")
def _diagnostics(person: Person) -> None:
    """Answers to skill questions do not identify anyone: they stay for statistics on digital autonomy. The
    obstacle answers (equipment, reading, language, disability) are situation and health data: erased."""
    from appui.diagnostics.bank import load_bank
    from appui.diagnostics.models import Diagnostic

    for diagnostic in Diagnostic.objects.filter(person=person):
        obstacle_ids = {question.id for question in load_bank(diagnostic.bank_version).obstacle_questions}
        kept = {key: value for key, value in diagnostic.answers.items() if key not in obstacle_ids}
        if kept != diagnostic.answers:
            diagnostic.answers = kept
            diagnostic.save(update_fields=["answers"])


@anonymiser("documents.Document")
def _documents(person: Person) -> None:
    from appui.documents.services import documents_delete_for_person

    documents_delete_for_person(person=person)


def _age_band(person: Person, today: datetime.date) -> str:
    return age_band_of(person.age(today))


class MissingAnonymiserError(Exception):
    """A model linked to persons has no anonymisation rule."""


@transaction.atomic
def person_anonymise(*, person: Person, now: datetime.datetime, actor: object = None) -> Person:
    """Erase everything that identifies the person; keep what activity statistics need."""
    missing = [m._meta.label for m in person_linked_models() if m._meta.label not in ANONYMISERS]
    if missing:
        raise MissingAnonymiserError(f"Pas de règle d'anonymisation pour : {', '.join(sorted(missing))}.")
    for model in person_linked_models():
        ANONYMISERS[model._meta.label](person)
    person.age_band = person.age_band or _age_band(person, now.date())
    for name in (
        "last_name",
        "first_name",
        "birth_name",
        "phone",
        "email",
        "address",
        "postal_code",
        "search_text",
        "search_phone",
        "search_email",
        "situation_details",
    ):
        setattr(person, name, "")
    person.birth_date = None
    person.birth_year = None
    person.languages = []
    person.informed_at = None
    person.is_anonymous = True
    person.anonymised_at = now
    # Every write moves the version on: a form opened on the named record can no longer overwrite it.
    person.version = bump_version()
    person.save()
    person.refresh_from_db(fields=["version"])
    person.search_tokens.all().delete()
    person.referents.clear()
    # The journal keeps who read the record for its own retention (audit_purge_personal_fields, daily): its
    # younger events keep pointing at the anonymous record until then. The database refuses to erase them sooner.
    audit_purge_personal_fields(person_id=person.pk)
    audit_record(
        actor=actor,
        structure=person.structure,
        action=AuditAction.PERSON_ANONYMISE,
        purpose=AuditPurpose.DATA_PROTECTION,
    )
    return person


class EliminationList(models.Model):
    """Records of a public body due for elimination, waiting for approval (public archives)."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="elimination_lists")
    created_at = models.DateTimeField("créée le")
    persons = models.ManyToManyField(Person, related_name="elimination_lists", verbose_name="fiches")
    approved_at = models.DateTimeField("validée le", null=True, blank=True)
    approved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approval_reference = models.CharField("référence du visa d'élimination", max_length=100, blank=True)

    class Meta:
        app_label = "people"
        verbose_name = "liste d'élimination"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Liste d'élimination du {timezone.localtime(self.created_at):%d/%m/%Y} ({self.structure})"


def elimination_lists_visible_by(membership: "Membership") -> "models.QuerySet[EliminationList]":
    """Return the elimination lists of the member's structure."""
    return EliminationList.objects.filter(structure_id=membership.structure_id)


@dataclass
class RetentionReport:
    archived: list[Person] = field(default_factory=list)
    anonymised: list[Person] = field(default_factory=list)
    listed: dict[Structure, list[Person]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"Archiver : {p.file_number} ({p.structure})" for p in self.archived]
        out += [f"Anonymiser : {p.file_number} ({p.structure})" for p in self.anonymised]
        for structure, persons in self.listed.items():
            out += [f"Proposer à l'élimination : {p.file_number} ({structure})" for p in persons]
        return out


def _inactive_since(person: Person) -> datetime.datetime:
    return person.last_activity_at or person.created_at


def planned_archiving(person: Person, structure: Structure | None = None) -> datetime.datetime | None:
    """Return when ``apply_retention`` will archive the record if nothing more happens (None once archived)."""
    if person.archived_at or person.anonymised_at:
        return None
    structure = structure or person.structure
    return _inactive_since(person) + relativedelta(months=structure.retention_months)


def persons_due_for_archiving(
    membership: "Membership", *, within_days: int = 30, limit: int = 200
) -> list[tuple[Person, datetime.datetime]]:
    """Return the structure's active records archived within ``within_days`` if nothing happens, soonest first
    (ordered and cut in the database: a large structure may have thousands)."""
    structure = membership.structure
    months = relativedelta(months=structure.retention_months)
    cutoff = timezone.now() + datetime.timedelta(days=within_days) - months
    persons = (
        Person.objects.filter(structure=structure, archived_at__isnull=True, anonymised_at__isnull=True)
        .annotate(inactive_since=Coalesce("last_activity_at", "created_at"))
        .filter(inactive_since__lt=cutoff)
        .order_by("inactive_since", "pk")[:limit]
    )
    return [(person, person.inactive_since + months) for person in persons]


def apply_retention(*, now: datetime.datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Archive, anonymise or list for elimination what is due at ``now``; with ``dry_run``, only say so."""
    now = now or timezone.now()
    report = RetentionReport()
    for structure in Structure.objects.all():
        active_limit = now - relativedelta(months=structure.retention_months)
        to_archive = Person.objects.filter(
            structure=structure, archived_at__isnull=True, anonymised_at__isnull=True
        ).filter(Q(last_activity_at__lt=active_limit) | Q(last_activity_at__isnull=True, created_at__lt=active_limit))
        archive_limit = now - relativedelta(months=structure.archive_months)
        due = Person.objects.filter(structure=structure, archived_at__lt=archive_limit, anonymised_at__isnull=True)
        report.archived += list(to_archive)
        if structure.is_public_body:
            pending = set(
                Person.objects.filter(
                    elimination_lists__structure=structure, elimination_lists__approved_at__isnull=True
                ).values_list("pk", flat=True)
            )
            listed = [p for p in due if p.pk not in pending]
            if listed:
                report.listed[structure] = listed
        else:
            report.anonymised += list(due)
    if dry_run:
        return report
    for person in report.archived:
        with transaction.atomic():
            Person.objects.filter(pk=person.pk).update(archived_at=now, version=bump_version())
            audit_record(
                actor=None,
                structure=person.structure,
                action=AuditAction.PERSON_ARCHIVE,
                purpose=AuditPurpose.DATA_PROTECTION,
                obj=person,
                person_id=person.pk,
            )
    for person in report.anonymised:
        person_anonymise(person=person, now=now)
    for structure, persons in report.listed.items():
        with transaction.atomic():
            elimination = EliminationList.objects.create(structure=structure, created_at=now)
            elimination.persons.set(persons)
    return report


@transaction.atomic
def elimination_list_approve(
    *, membership: object, elimination: EliminationList, reference: str, now: datetime.datetime | None = None
) -> int:
    """Approve a public body's elimination list (DPO or manager), then anonymise its records."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from appui.accounts.enums import Role

    if getattr(membership, "role", None) not in {Role.DPO, Role.RESPONSABLE} or elimination.structure_id != getattr(
        membership, "structure_id", None
    ):
        raise PermissionDenied("Seuls le DPO et le ou la responsable valident une liste d'élimination.")
    if elimination.approved_at is not None:
        raise ValidationError("Cette liste est déjà validée.")
    if not reference.strip():
        raise ValidationError({"reference": "Indiquez la référence du visa des archives."})
    now = now or timezone.now()
    elimination.approved_at = now
    elimination.approved_by = membership.user  # type: ignore[attr-defined]
    elimination.approval_reference = reference.strip()[:100]
    elimination.save()
    audit_record(
        actor=membership.user,  # type: ignore[attr-defined]
        structure=elimination.structure,
        action=AuditAction.ELIMINATION_APPROVE,
        purpose=AuditPurpose.DATA_PROTECTION,
        obj=elimination,
        detail={"persons": elimination.persons.count(), "reference": elimination.approval_reference},
    )
    count = 0
    for person in elimination.persons.filter(anonymised_at__isnull=True):
        person_anonymise(person=person, now=now, actor=membership.user)  # type: ignore[attr-defined]
        count += 1
    return count
