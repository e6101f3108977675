"""The only writers of places: imports into the directory, and a structure's own places and services."""

import datetime
import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils import timezone

from appui.accounts.models import Membership, Structure
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.core.collector import gc_paused
from appui.core.communes import get_commune

from .access import can_manage_places
from .enums import (
    OWN_PLACES_SOURCE,
    AccessMode,
    Fee,
    ImportFormat,
    LieuxService,
    Mobility,
    Programme,
    Public,
    SpecificSupport,
    SupportMode,
    TrainingLabel,
    typology_choices,
)
from .importing import repair
from .importing.pipeline import convert_chunks, resolve_format
from .importing.readers import UnreadableFileError, read_file
from .importing.report import ImportReport, RowOutcome
from .indexing import derived_fields
from .models import Place, PlaceImport, PlaceService, PlaceSource
from .standard import place_row, validate_rows

SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,99}$")

# Place fields an import writes (everything but the identity of the row and the structure's own settings).
IMPORT_FIELDS = [
    "name",
    "address",
    "address_complement",
    "postal_code",
    "commune_name",
    "commune_code",
    "departement",
    "epci",
    "latitude",
    "longitude",
    "pivot",
    "typologies",
    "phone",
    "emails",
    "websites",
    "opening_hours",
    "hours_digest",
    "summary",
    "description",
    "collected_by",
    "parent_organisation",
    "mobility",
    "updated_on",
    "services",
    "publics",
    "specific_supports",
    "fees",
    "programmes",
    "training_labels",
    "other_labels",
    "access_modes",
    "support_modes",
    "accessibility_url",
    "appointment_url",
    "networks",
    "source_url",
    "unparsed",
    "search_text",
    "facets",
    "seen_at",
    "closed_at",
    "updated_at",
]
SERVICE_FIELDS = [
    "name",
    "description",
    "type",
    "thematiques",
    "fees",
    "fees_details",
    "publics",
    "publics_details",
    "access_conditions",
    "reception_modes",
    "mobilisation_modes",
    "mobilisable_by",
    "mobilisation_details",
    "mobilisation_url",
    "phone",
    "email",
    "contact_name",
    "opening_hours",
    "eligibility_zone",
    "weekly_hours",
    "weeks",
    "source_url",
    "updated_on",
    "location",
    "unparsed",
    "seen_at",
    "closed_at",
    "updated_at",
]


def validate_source_name(name: str) -> str:
    """Return the source name, or refuse it (a short identifier; « appui » names the structures' own places)."""
    name = (name or "").strip().lower()
    if not SOURCE_NAME.match(name):
        raise ValidationError(
            {
                "source": "Nom de source invalide : 2 à 100 caractères, lettres minuscules, chiffres, "
                "« . », « - » ou « _ »."
            }
        )
    if name == OWN_PLACES_SOURCE:
        raise ValidationError(
            {"source": "« appui » désigne les lieux décrits par les structures : choisissez un autre nom."}
        )
    return name


def places_import(
    *,
    data: bytes,
    filename: str,
    source: str,
    import_format: str = ImportFormat.AUTO,
    dry_run: bool = False,
    membership: Membership | None = None,
    progress: Callable[[int], Any] | None = None,
    on_total: Callable[[int], Any] | None = None,
) -> ImportReport:
    """Import a file of places into the directory under ``source``; return the report.

    Re-importing a source updates its places by identifier and closes (never deletes) the ones absent from the
    file. ``membership`` is the structure manager importing from the web; None means the command line.
    ``dry_run`` reads, repairs and validates everything and writes nothing.
    """
    source = validate_source_name(source)
    if membership is not None:
        if not can_manage_places(membership):
            raise PermissionDenied("Seul·e le ou la responsable de la structure importe des lieux.")
        existing = PlaceSource.objects.filter(name=source).first()
        if existing is not None and existing.structure_id != membership.structure_id:
            raise ValidationError(
                {
                    "source": "Cette source a été importée par une autre structure ou en ligne de commande : "
                    "choisissez un autre nom."
                }
            )
    if import_format not in ImportFormat.values:
        raise ValidationError({"import_format": "Format inconnu."})
    # The file's records (a few million objects at 100 000 rows) live through the whole import.
    with gc_paused():
        return _import_file(
            data=data,
            filename=filename,
            source=source,
            import_format=import_format,
            dry_run=dry_run,
            membership=membership,
            progress=progress,
            on_total=on_total,
        )


def _import_file(
    *,
    data: bytes,
    filename: str,
    source: str,
    import_format: str,
    dry_run: bool,
    membership: Membership | None,
    progress: Callable[[int], Any] | None,
    on_total: Callable[[int], Any] | None,
) -> ImportReport:
    started = time.monotonic()
    try:
        table = read_file(data, filename)
    except UnreadableFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    import_format = resolve_format(table, import_format)
    report = ImportReport(source=source, format=import_format, filename=filename, dry_run=dry_run)
    for note in table.notes:
        report.note(note)
    if on_total is not None:
        on_total(len(table.rows) + len(table.services))
    now = timezone.now()
    chunks = convert_chunks(table, import_format, report, today=timezone.localdate(), progress=progress)
    if dry_run:
        for _ in chunks:
            pass
        report.duration_seconds = time.monotonic() - started
        return report
    with transaction.atomic():
        place_source, _ = PlaceSource.objects.get_or_create(
            name=source, defaults={"structure": membership.structure if membership else None}
        )
        for outcomes in chunks:
            _write_chunk(outcomes, source=source, now=now, report=report)
        rejected_ids = [
            reject["id"] for reject in report.rejects if reject.get("id") and reject.get("kind") != "service"
        ]
        for start in range(0, len(rejected_ids), 500):
            # A row rejected this time is still in the file: its place (if any) stays as it was, open.
            Place.objects.filter(source=source, source_id__in=rejected_ids[start : start + 500]).update(seen_at=now)
        if report.accepted:
            report.closed = (
                Place.objects.filter(source=source, closed_at__isnull=True)
                .filter(Q(seen_at__lt=now) | Q(seen_at__isnull=True))
                .update(closed_at=now)
            )
            PlaceService.objects.filter(place__source=source, closed_at__isnull=True, seen_at__lt=now).update(
                closed_at=now
            )
        else:
            report.note("aucune ligne acceptée : aucun lieu de la source n'a été fermé")
        report.duration_seconds = time.monotonic() - started
        run = PlaceImport.objects.create(
            source=place_source,
            structure=membership.structure if membership else None,
            actor=membership.user if membership else None,
            filename=filename[:255],
            format=import_format,
            started_at=now,
            duration_seconds=report.duration_seconds,
            total=report.total,
            accepted=report.accepted,
            created=report.created,
            updated=report.updated,
            repaired=report.repaired,
            rejected=report.rejected,
            closed=report.closed,
            services=report.services,
            repairs=dict(report.repairs),
            notes=dict(report.notes),
            rejects=report.rejects,
            warnings=report.warnings,
        )
        audit_record(
            actor=membership.user if membership else None,
            structure=membership.structure if membership else None,
            action=AuditAction.PLACES_IMPORT,
            purpose=AuditPurpose.ADMINISTRATION,
            obj=run,
            detail={"source": source, "format": import_format, "summary": report.summary()},
        )
        report.run_id = run.pk  # type: ignore[attr-defined]
    return report


def _converter(field: Any, database: Any) -> Callable[[Any], Any] | None:
    """Return how a value of ``field`` goes to the database, or None when it goes as it is.

    A list or mapping of a JSON field without its own encoder is adapted directly (what Django's preparation
    ends with, at a twentieth of its cost: twenty JSON values a row made it a third of the import)."""
    kind = field.get_internal_type()
    if kind == "JSONField" and field.encoder is None:
        if database.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            return lambda value: None if value is None else Jsonb(value)
        return lambda value: None if value is None else json.dumps(value)
    if kind in {"JSONField", "DateField", "DateTimeField", "DecimalField"}:
        return lambda value: field.get_db_prep_save(value, database)
    return None


def _upsert(
    model: type[Any],
    rows: list[dict[str, Any]],
    *,
    unique: list[str],
    update: list[str],
    returning: list[str] | None = None,
) -> list[tuple[Any, ...]] | None:
    """Insert rows, or update the existing ones on ``unique``, in as few statements as the database allows.

    On PostgreSQL, return the ``returning`` fields of every row written; on SQLite, None (``executemany``
    returns no rows: the caller reads them back).

    ``INSERT … ON CONFLICT … DO UPDATE`` means the same on SQLite and PostgreSQL. Each value goes through its
    field's own conversion (JSON, dates), as the ORM would do; the ORM's per-value compilation is what this
    avoids (it dominates ``bulk_create`` at 100 000 rows of 40 columns). PostgreSQL receives the rows by
    ``COPY`` into a temporary table, then one ``INSERT … SELECT``: one statement executed once per chunk
    instead of once per row (Django's psycopg cursor writes every row's values into its own SQL text).
    """
    if not rows:
        return []
    database = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the thread-local proxy
    quote = database.ops.quote_name
    fields = [model._meta.get_field(name) for name in rows[0]]
    columns = ", ".join(quote(field.column) for field in fields)
    assignments = ", ".join(
        f"{quote(model._meta.get_field(name).column)} = EXCLUDED.{quote(model._meta.get_field(name).column)}"
        for name in update
    )
    conflict = ", ".join(quote(model._meta.get_field(name).column) for name in unique)
    on_conflict = f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"
    table = quote(model._meta.db_table)
    if database.vendor == "postgresql":
        converters = [_copy_converter(field, database) for field in fields]
        staging = quote(f"import_{model._meta.db_table}")
        with database.cursor() as cursor:
            # Only quoted names of the model are interpolated; the values travel in the COPY stream.
            cursor.execute(f"DROP TABLE IF EXISTS {staging}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {staging} AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
            )
            with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            value if convert is None else convert(value)
                            for value, convert in zip(row.values(), converters, strict=True)
                        ]
                    )
            returned = ", ".join(quote(model._meta.get_field(name).column) for name in returning or [])
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} {on_conflict}"  # noqa: S608
                + (f" RETURNING {returned}" if returned else "")
            )
            written = [tuple(row) for row in cursor.fetchall()] if returned else []
            cursor.execute(f"DROP TABLE {staging}")
        return written
    converters = [_converter(field, database) for field in fields]
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) {on_conflict}"  # noqa: S608
    params = [
        [value if convert is None else convert(value) for value, convert in zip(row.values(), converters, strict=True)]
        for row in rows
    ]
    with database.cursor() as cursor:
        cursor.executemany(sql, params)
    return None


def _copy_converter(field: Any, database: Any) -> Callable[[Any], Any] | None:
    """Return how a value of ``field`` is written in a PostgreSQL ``COPY`` stream (text), or None when as it is.

    A JSON value goes as its JSON text, which the ``jsonb`` column parses; an empty list, the most common
    value, is written without encoding. Dates and aware date-times go as they are: psycopg writes them, and
    Django's preparation on PostgreSQL would return them unchanged."""
    kind = field.get_internal_type()
    if kind == "JSONField" and field.encoder is None:
        dumps = json.dumps
        return lambda value: None if value is None else ("[]" if value == [] else dumps(value))
    if kind in {"DateField", "DateTimeField"}:
        return None
    return _converter(field, database)


_PLACE_DEFAULTS: dict[str, Any] = {
    "structure_id": None,
    "is_published": True,
    "networks": [],
    "source_url": "",
}


def _write_chunk(outcomes: list[RowOutcome], *, source: str, now: datetime.datetime, report: ImportReport) -> None:
    """Create or update the chunk's places (one statement), then their services."""
    if not outcomes:
        return
    rows = []
    for outcome in outcomes:
        fields = dict(_PLACE_DEFAULTS)
        fields.update(outcome.fields)
        themes = [theme for service in outcome.services for theme in service["thematiques"]]
        fields.update(derived_fields(fields, themes))
        fields.update(
            unparsed=outcome.unparsed, source=source, seen_at=now, closed_at=None, created_at=now, updated_at=now
        )
        rows.append({name: fields[name] for name in PLACE_COLUMNS})
    returning = ["source_id", "id", "created_at"]
    written = _upsert(Place, rows, unique=["source", "source_id"], update=IMPORT_FIELDS, returning=returning)
    if written is None:
        ids = [outcome.source_id for outcome in outcomes]
        written = list(Place.objects.filter(source=source, source_id__in=ids).values_list(*returning))
    # A place created by this import carries its time; an updated one keeps the time of the import that created
    # it. (Looking the identifiers up before the upsert cost more than the upsert on PostgreSQL: planned with the
    # statistics of the table before the import, the lookup read every place of the source, for each chunk.)
    created = sum(1 for _, _, created_at in written if created_at == now)
    report.created += created
    report.updated += len(written) - created
    with_services = [outcome for outcome in outcomes if outcome.services]
    if not with_services:
        return
    place_ids = {source_id: pk for source_id, pk, _ in written}
    service_rows = []
    for outcome in with_services:
        for service in outcome.services:
            values = {k: v for k, v in service.items() if not k.startswith("_")}
            values.update(
                place_id=place_ids[outcome.source_id], seen_at=now, closed_at=None, created_at=now, updated_at=now
            )
            service_rows.append({name: values.get(name, _SERVICE_DEFAULTS.get(name)) for name in SERVICE_COLUMNS})
    _upsert(PlaceService, service_rows, unique=["place", "source_id"], update=SERVICE_FIELDS)


_SERVICE_DEFAULTS: dict[str, Any] = {"unparsed": {}, "location": {}}
# Every column an import writes, in a fixed order.
PLACE_COLUMNS = ["structure_id", "is_published", "source", "source_id", "created_at", *IMPORT_FIELDS]
SERVICE_COLUMNS = ["place_id", "source_id", "created_at", *SERVICE_FIELDS]


# --- A structure's own places ------------------------------------------------------------------------------

OWN_PLACE_FIELDS = frozenset(
    {
        "name",
        "is_published",
        "address",
        "address_complement",
        "postal_code",
        "commune_code",
        "latitude",
        "longitude",
        "pivot",
        "typologies",
        "phone",
        "emails",
        "websites",
        "opening_hours",
        "summary",
        "description",
        "parent_organisation",
        "mobility",
        "services",
        "publics",
        "specific_supports",
        "fees",
        "programmes",
        "training_labels",
        "other_labels",
        "access_modes",
        "support_modes",
        "accessibility_url",
        "appointment_url",
    }
)
_CHOICES: dict[str, set[str]] = {
    "mobility": set(Mobility.values),
    "services": set(LieuxService.values),
    "publics": set(Public.values),
    "specific_supports": set(SpecificSupport.values),
    "fees": set(Fee.values),
    "programmes": set(Programme.values),
    "training_labels": set(TrainingLabel.values),
    "access_modes": set(AccessMode.values),
    "support_modes": set(SupportMode.values),
}


def _require_manager(membership: Membership) -> None:
    if not can_manage_places(membership):
        raise PermissionDenied("Seul·e le ou la responsable de la structure décrit ses lieux.")


def _clean_own_place(place: Place, fields: dict[str, Any]) -> None:
    """Validate and normalise a structure's own place: it must export to a valid lieux v1 row."""
    unknown = set(fields) - OWN_PLACE_FIELDS
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    errors: dict[str, str] = {}
    for name, allowed in _CHOICES.items():
        if name in fields:
            values = list(dict.fromkeys(fields[name] or []))
            if any(value not in allowed for value in values):
                errors[name] = "Valeur inconnue."
            fields[name] = values
    if "typologies" in fields:
        known = {code for code, _ in typology_choices()}
        fields["typologies"] = list(dict.fromkeys(fields["typologies"] or []))
        if any(code not in known for code in fields["typologies"]):
            errors["typologies"] = "Typologie inconnue."
    if fields.get("phone"):
        phone, _, others = repair.repair_phone(fields["phone"])
        if phone is None or others:
            errors["phone"] = "Numéro de téléphone illisible : un seul numéro, par exemple 04 72 00 00 00."
        else:
            fields["phone"] = phone
    if fields.get("opening_hours"):
        hours, _ = repair.repair_osm_hours(fields["opening_hours"])
        if hours is None:
            errors["opening_hours"] = (
                "Horaires illisibles : utilisez le format OpenStreetMap, par exemple « Mo-Fr 09:00-12:00,14:00-17:00 »."
            )
        else:
            fields["opening_hours"] = hours
    for name in ("emails", "websites", "other_labels"):
        if name in fields:
            fields[name] = [value.strip() for value in fields[name] or [] if value and value.strip()]
    for name, value in fields.items():
        setattr(place, name, value)
    commune = get_commune(place.commune_code)
    if commune is None:
        errors["commune_code"] = "Choisissez la commune du lieu."
    else:
        place.commune_name = commune.name
        if place.postal_code and place.postal_code not in commune.postal_codes:
            errors["postal_code"] = f"Ce code postal ne dessert pas {commune.name} ({', '.join(commune.postal_codes)})."
        if not place.postal_code and len(commune.postal_codes) == 1:
            place.postal_code = commune.postal_codes[0]
    if not place.address:
        errors["address"] = "L'adresse est nécessaire pour publier le lieu."
    if not place.postal_code:
        errors["postal_code"] = "Le code postal est nécessaire pour publier le lieu."
    if (place.latitude is None) != (place.longitude is None):
        errors["latitude"] = "Indiquez la latitude et la longitude, ou aucune des deux."
    if errors:
        raise ValidationError(errors)
    place.full_clean(exclude=["structure", "source", "source_id"], validate_constraints=False)
    place.updated_on = timezone.localdate()
    problems = validate_rows([place_row(place)])
    if problems:
        raise ValidationError(" ; ".join(message for messages in problems.values() for message in messages))
    for name, value in derived_fields(_as_fields(place)).items():
        setattr(place, name, value)


def _as_fields(place: Place) -> dict[str, Any]:
    return {field.name: getattr(place, field.attname) for field in place._meta.concrete_fields}


@transaction.atomic
def place_create(*, membership: Membership, fields: dict[str, Any]) -> Place:
    """Describe a new place of the member's structure."""
    _require_manager(membership)
    fields = dict(fields)
    fields.setdefault("pivot", membership.structure.siret)
    place = Place(structure=membership.structure, source=OWN_PLACES_SOURCE, source_id=uuid.uuid4().hex)
    place.collected_by = membership.structure.name[:200]
    _clean_own_place(place, fields)
    place.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.PLACE_CREATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=place,
    )
    return place


def place_create_first(*, structure: Structure) -> Place:
    """Give a new structure its first own place, named after it: quick entry records activities in a place.

    It stays out of the directory until the manager completes and publishes it. Runs in the caller's transaction
    (the creation of the structure, whose audit event covers it).
    """
    return Place.objects.create(
        structure=structure,
        name=structure.name[:250],
        address=structure.address,
        commune_code=structure.commune_code,
        source=OWN_PLACES_SOURCE,
        source_id=uuid.uuid4().hex,
        is_published=False,
        collected_by=structure.name[:200],
    )


@transaction.atomic
def place_update(*, membership: Membership, place: Place, fields: dict[str, Any]) -> Place:
    """Change one of the structure's own places."""
    _require_manager(membership)
    if place.structure_id != membership.structure_id:
        raise PermissionDenied("Ce lieu n'appartient pas à votre structure.")
    fields = dict(fields)
    changed = sorted(name for name, value in fields.items() if getattr(place, name, None) != value)
    _clean_own_place(place, fields)
    place.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.PLACE_UPDATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=place,
        detail={"fields": changed},
    )
    return place


@transaction.atomic
def place_set_closed(*, membership: Membership, place: Place, closed: bool) -> Place:
    """Close one of the structure's places (it stays in past accompaniments and referrals), or reopen it."""
    _require_manager(membership)
    if place.structure_id != membership.structure_id:
        raise PermissionDenied("Ce lieu n'appartient pas à votre structure.")
    others_open = Place.objects.of_structure(place.structure_id).open().exclude(pk=place.pk).exists()
    if closed and place.closed_at is None and not others_open:
        raise ValidationError("Gardez au moins un lieu ouvert : les accompagnements s'enregistrent dans un lieu.")
    place.closed_at = timezone.now() if closed else None
    place.save(update_fields=["closed_at", "updated_at"])
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.PLACE_UPDATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=place,
        detail={"fields": ["closed_at"], "closed": closed},
    )
    return place


SERVICE_EDITABLE = frozenset(
    {
        "name",
        "description",
        "type",
        "thematiques",
        "fees",
        "fees_details",
        "publics",
        "access_conditions",
        "reception_modes",
        "mobilisation_modes",
        "mobilisable_by",
        "mobilisation_details",
        "mobilisation_url",
        "contact_name",
        "phone",
        "email",
    }
)


def _clean_service(service: PlaceService, fields: dict[str, Any]) -> None:
    """Validate a service with the official data·inclusion model, as it will be published."""
    from .publishing import inclusion_service

    unknown = set(fields) - SERVICE_EDITABLE
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    if fields.get("phone"):
        phone, _, others = repair.repair_phone(fields["phone"])
        if phone is None or others:
            raise ValidationError({"phone": "Numéro de téléphone illisible : un seul numéro."})
        fields["phone"] = phone
    for name, value in fields.items():
        setattr(service, name, value)
    service.updated_on = timezone.localdate()
    service.full_clean(exclude=["place", "source_id"], validate_constraints=False)
    from data_inclusion.schema import v1
    from pydantic import ValidationError as SchemaError

    from .importing.inclusion import _errors

    try:
        v1.Service.model_validate(inclusion_service(service), context={"ignore_warnings": True})
    except SchemaError as exc:
        raise ValidationError(" ; ".join(_errors(exc))) from exc


@transaction.atomic
def place_service_save(
    *, membership: Membership, place: Place, fields: dict[str, Any], service: PlaceService | None = None
) -> PlaceService:
    """Add a service to one of the structure's places, or change it."""
    _require_manager(membership)
    if place.structure_id != membership.structure_id or (service is not None and service.place_id != place.pk):
        raise PermissionDenied("Ce lieu n'appartient pas à votre structure.")
    service = service or PlaceService(place=place, source_id=uuid.uuid4().hex)
    _clean_service(service, dict(fields))
    service.save()
    themes = [t for s in place.offered_services.open() for t in s.thematiques]
    for name, value in derived_fields(_as_fields(place), themes).items():
        setattr(place, name, value)
    place.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.PLACE_UPDATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=place,
        detail={"service": service.pk},
    )
    return service


@transaction.atomic
def place_service_close(*, membership: Membership, service: PlaceService) -> PlaceService:
    """Stop offering a service (kept for the referrals that named it)."""
    _require_manager(membership)
    if service.place.structure_id != membership.structure_id:
        raise PermissionDenied("Ce lieu n'appartient pas à votre structure.")
    service.closed_at = timezone.now()
    service.save(update_fields=["closed_at", "updated_at"])
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.PLACE_UPDATE,
        purpose=AuditPurpose.ADMINISTRATION,
        obj=service.place,
        detail={"service": service.pk, "closed": True},
    )
    return service
