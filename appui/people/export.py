"""The person's right of access (RGPD art. 15): everything Appui holds about them, read through the reading rules.

An export is always read by someone: the member who prepares it, a member who adds the part they alone may
read, or nobody (a part sealed for the person). ``build_export`` takes that reader and gives back what it may
read, plus, for the preparer, the list of parts it may not read ("withheld"), so that nothing is missed and
nothing is read around the rules of the pages (docs/droit-d-acces.md).

Each model linked to a person has an exporter in ``EXPORTERS``; ``build_export`` refuses to run when one is
missing, so a new model cannot be forgotten (tests/people/test_export.py checks it by introspection). An
exporter receives an ``ExportContext`` and returns ``Record``s: it asks ``ctx.include(kind, obj)`` before
adding anything that not every member may read, and reads notes and situation through the presenters.
"""

import datetime
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.db import models
from django.utils import timezone

from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.models import AuditEvent

from .enums import ExportPartKind, Language, Obstacle
from .models import Person
from .retention import person_linked_models

Value = str | int | bool | Decimal | datetime.date | datetime.datetime | list[Any] | dict[str, Any] | None


class Theme(enum.Enum):
    """The headings of the export, in the order the person reads them: (key, French heading)."""

    IDENTITY = ("identite", "Votre identité et vos coordonnées")
    SITUATION = ("situation", "Votre situation")
    HOUSEHOLD = ("foyer", "Votre foyer")
    ACCOMPANIMENTS = ("accompagnements", "Vos accompagnements")
    MANDATES = ("mandats", "Démarches faites à votre place (mandats)")
    DIAGNOSTICS = ("diagnostics", "Vos diagnostics numériques")
    RIGHTS = ("droits", "Vos droits : simulations et suivi")
    DOCUMENTS = ("documents", "Vos documents")
    REFERRALS = ("orientations", "Les lieux où l'on vous a orienté")
    ALERTS = ("signalements", "Sites administratifs en panne signalés pendant vos accompagnements")
    REQUESTS = ("demandes", "Vos demandes sur vos données")
    CONSULTATIONS = ("consultations", "Qui a consulté votre dossier")

    @property
    def key(self) -> str:
        return self.value[0]

    @property
    def heading(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class Entry:
    """One piece of data: a stable machine key, a French label, a value, and how the person reads it."""

    key: str
    label: str
    value: Value
    text: str | None = None  # the value as the person reads it, when the plain value is not enough


def choice(key: str, label: str, code: str, display: str) -> Entry:
    """Return an entry for a coded value: the code and its French label in the JSON, the label in the PDF."""
    return Entry(key, label, {"code": code, "label": display} if code else None, display if code else None)


@dataclass(frozen=True)
class Record:
    """One thing held about the person (an accompaniment, a mandate…), with a French title."""

    kind: str
    title: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class ExportFile:
    """A file given with the export (a document, an attestation), read only when the archive is written."""

    path: str
    description: str
    load: Callable[[], bytes]


@dataclass(frozen=True, order=True)
class PartKey:
    """A part of the export: a kind, and for private notes, their author."""

    kind: str
    author_id: int | None = None


class Reader(Protocol):
    """Who reads the export: a member (their reading rules) or nobody (a part sealed for the person)."""

    def sees(self, kind: str, obj: models.Model) -> bool: ...

    def person_view(self, person: Person) -> Any: ...

    def accompaniment_view(self, accompaniment: models.Model) -> Any: ...


@dataclass
class ExportContext:
    """What an exporter needs: the person, the reader, and which part is being built."""

    person: Person
    reader: Reader
    part: PartKey | None = None  # None: the reader's own part, everything it may read
    withheld: set[PartKey] = field(default_factory=set)
    unreadable: bool = False
    files: list[ExportFile] = field(default_factory=list)

    @property
    def base(self) -> bool:
        """Return whether data every member who sees the person may read belongs in this part."""
        return self.part is None

    def include(self, kind: str, obj: models.Model, *, author_id: int | None = None) -> bool:
        """Return whether data of ``kind`` about ``obj`` goes in this part; note what the reader may not read."""
        key = PartKey(kind, author_id if kind == ExportPartKind.PRIVATE_NOTES else None)
        sees = self.reader.sees(kind, obj)
        if self.part is None:
            if not sees:
                self.withheld.add(key)
            return sees
        if key != self.part:
            return False
        if not sees:
            self.unreadable = True
        return sees

    def add_file(self, path: str, description: str, load: Callable[[], bytes]) -> str:
        self.files.append(ExportFile(path=path, description=description, load=load))
        return path


def constant(content: bytes) -> Callable[[], bytes]:
    """Return a loader of content already in memory (an attestation, a screenshot)."""
    return lambda: content


Exporter = Callable[[ExportContext], list[Record]]
EXPORTERS: dict[str, tuple[Theme, Exporter]] = {}


def exporter(label: str, *, theme: Theme) -> Callable[[Exporter], Exporter]:
    """Register the exporter of the rows of model ``label`` linked to a person, shown under ``theme``."""

    def register(function: Exporter) -> Exporter:
        EXPORTERS[label] = (theme, function)
        return function

    return register


class MissingExporterError(Exception):
    """A model linked to persons has no exporter."""


@dataclass(frozen=True)
class Section:
    theme: Theme
    records: tuple[Record, ...]


@dataclass(frozen=True)
class Export:
    """What one reader may read of everything held about the person."""

    person: Person
    generated_at: datetime.datetime
    controller: tuple[Entry, ...]
    sections: tuple[Section, ...]
    consultations: tuple[Record, ...]
    withheld: frozenset[PartKey]
    unreadable: bool
    files: tuple[ExportFile, ...]
    part: PartKey | None


def check_registry() -> None:
    missing = [m._meta.label for m in person_linked_models() if m._meta.label not in EXPORTERS]
    if missing:
        raise MissingExporterError(f"Pas d'export pour : {', '.join(sorted(missing))}.")


def controller_entries(person: Person) -> tuple[Entry, ...]:
    """Return who is responsible for the data: the structure, its address, its DPO (said plainly when missing)."""
    structure = person.structure
    return (
        Entry("structure", "Structure", structure.name),
        Entry("address", "Adresse", structure.address or None, structure.address or "non renseignée"),
        Entry(
            "dpo_contact",
            "Délégué·e à la protection des données (DPO)",
            structure.dpo_contact or None,
            structure.dpo_contact
            or "la structure n'a pas encore indiqué le contact de son ou sa DPO. Écrivez à la structure à "
            "l'adresse ci-dessus, ou demandez à l'accueil.",
        ),
    )


def build_export(*, person: Person, reader: Reader, part: PartKey | None = None) -> Export:
    """Return what ``reader`` may read about ``person``: its own part, or the one part ``part``."""
    check_registry()
    ctx = ExportContext(person=person, reader=reader, part=part)
    by_theme: dict[Theme, list[Record]] = {theme: [] for theme in Theme}
    by_theme[Theme.IDENTITY] += _identity(ctx)
    by_theme[Theme.SITUATION] += _situation(ctx)
    for model in person_linked_models():
        theme, function = EXPORTERS[model._meta.label]
        by_theme[theme] += function(ctx)
    return Export(
        person=person,
        generated_at=timezone.now(),
        controller=controller_entries(person),
        sections=tuple(Section(theme, tuple(records)) for theme, records in by_theme.items() if records),
        consultations=tuple(consultation_log(person)) if ctx.base else (),
        withheld=frozenset(ctx.withheld),
        unreadable=ctx.unreadable,
        files=tuple(ctx.files),
        part=part,
    )


# --- The person ---------------------------------------------------------------------------------------------


def _identity(ctx: ExportContext) -> list[Record]:
    if not ctx.base:
        return []
    person = ctx.reader.person_view(ctx.person)
    commune = person.commune
    entries = [
        Entry("file_number", "Numéro de dossier", person.file_number),
        Entry("last_name", "Nom", person.last_name or None),
        Entry("first_name", "Prénom", person.first_name or None),
        Entry("birth_name", "Nom de naissance", person.birth_name or None),
        Entry("birth_date", "Date de naissance", person.birth_date),
        Entry("birth_year", "Année de naissance", person.birth_year if not person.birth_date else None),
        choice("age_band", "Tranche d'âge", person.age_band, person.get_age_band_display()),
        Entry("phone", "Téléphone", person.phone or None),
        Entry("email", "Adresse e-mail", person.email or None),
        Entry("address", "Adresse", person.address or None),
        Entry("postal_code", "Code postal", person.postal_code or None),
        Entry(
            "commune",
            "Commune",
            {"code": person.commune_code, "label": str(commune)} if commune else None,
            str(commune) if commune else None,
        ),
        Entry(
            "languages",
            "Langues parlées",
            person.languages or None,
            ", ".join(Language(c).label if c in Language.values else c for c in person.languages) or None,
        ),
        Entry("referents", "Vos référents dans la structure", [str(u) for u in person.referents.all()] or None),
        Entry("informed_at", "Vous avez été informé·e de l'enregistrement de vos données le", person.informed_at),
        Entry("created_at", "Dossier créé le", person.created_at),
        Entry("updated_at", "Dossier modifié pour la dernière fois le", person.updated_at),
        Entry("last_activity_at", "Dernière activité le", person.last_activity_at),
        Entry("archived_at", "Dossier archivé le", person.archived_at),
    ]
    return [Record("person", "Votre dossier", tuple(entries))]


def _situation(ctx: ExportContext) -> list[Record]:
    person = ctx.person
    held = any(
        [
            person.family_situation,
            person.housing_status,
            person.employment_status,
            person.obstacles,
            person.situation_details,
        ]
    )
    if not held or not ctx.include(ExportPartKind.SITUATION, person):
        return []
    view = ctx.reader.person_view(person)
    entries = (
        choice("family_situation", "Situation familiale", view.family_situation, person.get_family_situation_display()),
        choice("housing_status", "Logement", view.housing_status, person.get_housing_status_display()),
        choice(
            "employment_status",
            "Situation professionnelle",
            view.employment_status,
            person.get_employment_status_display(),
        ),
        Entry(
            "obstacles",
            "Difficultés notées pour les démarches en ligne",
            view.obstacles or None,
            ", ".join(Obstacle(c).label if c in Obstacle.values else c for c in view.obstacles or []) or None,
        ),
        Entry("situation_details", "Précisions sur votre situation", view.situation_details or None),
    )
    return [Record("situation", "Votre situation", entries)]


def audit_phrase(event: AuditEvent) -> str:
    """Return one line of the consultation history, in plain words."""
    from appui.core.dates import french_datetime

    from .export_phrases import ACTION_PHRASES, PURPOSE_PHRASES

    who = f"une personne de la structure {event.structure}" if event.structure else "Appui, automatiquement,"
    what = ACTION_PHRASES.get(event.action, f"a fait : {event.get_action_display().lower()}")
    why = PURPOSE_PHRASES.get(event.purpose, event.get_purpose_display().lower())
    return f"Le {french_datetime(event.created_at)}, {who} {what}{' ' + why if why else ''}."


def consultation_log(person: Person) -> Iterable[Record]:
    """Return who looked at or changed the record: dates, structures, actions, purposes (not the agents' names)."""
    events = AuditEvent.objects.for_person(person.pk).select_related("structure").order_by("created_at", "id")
    for event in events:
        yield Record(
            "consultation",
            audit_phrase(event),
            (
                Entry("date", "Date", event.created_at),
                Entry("structure", "Structure", str(event.structure) if event.structure else None),
                choice("action", "Action", event.action, event.get_action_display()),
                choice("purpose", "Finalité", event.purpose, event.get_purpose_display()),
            ),
        )


# --- Machine form ---------------------------------------------------------------------------------------------


FORMAT = "appui-droit-d-acces"
FORMAT_VERSION = 2


def machine_value(value: Value) -> Any:
    """Return ``value`` as JSON data: ISO 8601 dates (local time with its offset), amounts as exact strings."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [machine_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): machine_value(item) for key, item in value.items()}
    return value


def machine_record(record: Record) -> dict[str, Any]:
    return {"type": record.kind} | {entry.key: machine_value(entry.value) for entry in record.entries}


def export_json(export: Export, *, parts: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """Return the export as machine data: stable keys, ISO dates, codes with their French labels."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "generated_at": machine_value(export.generated_at),
        "part": export.part.kind if export.part else ExportPartKind.READABLE.value,
        "controller": {entry.key: machine_value(entry.value) for entry in export.controller},
        "sections": {
            section.theme.key: [machine_record(record) for record in section.records] for section in export.sections
        },
        "consultations": [machine_record(record) for record in export.consultations],
        "parts": list(parts),
        "files": [{"path": f.path, "description": f.description} for f in export.files],
    }


def record_export_read(*, membership: Any, person: Person, detail: dict[str, Any]) -> None:
    """Journal that a member produced (and so read) a part of the person's export."""
    from appui.audit.services import audit_record

    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.ACCESS_EXPORT,
        purpose=AuditPurpose.DATA_PROTECTION,
        obj=person,
        person_id=person.pk,
        detail=detail,
    )
