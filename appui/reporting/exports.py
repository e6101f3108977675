"""Export of activities: one row per activity and beneficiary, with the CRA's column names and values.

No name is ever written: a beneficiary is a pseudonymous key (an HMAC of the record's id, stable across
exports of the structure while the server's secret key is unchanged). The key of a record the exporting member
may not open (archived) is left empty. Rows are streamed: the database sends them in chunks, the CSV is written
as it goes, the XLSX through openpyxl's write-only mode into a temporary file.
"""

import csv
import datetime
import hashlib
import hmac
import io
import json
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from appui.accompaniments.enums import Kind, Mode, OnlineService, PlaceKind, ProcedureStatus, RemoteChannel
from appui.accompaniments.models import AccompanimentQuerySet, Participation
from appui.core.communes import get_commune

from . import cra

CHUNK = 5000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [
    "Date",
    "Enregistré le",
    "Dernière modification le",
    "Médiateur",
    "Type",
    "Participants",
    "Bénéficiaire (clé pseudonyme)",
    "Canaux d’accompagnement",
    "Nom du lieu",
    "Adresse",
    "Commune",
    "Code postal",
    "Code Insee",
    "Durée (min)",
    "Nom de l’atelier",
    "Matériel numérique utilisé",
    "Thématique(s) d’accompagnement",
    "Nom de la démarche administrative",
    "Niveau d’autonomie (ou de l’atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Commune du bénéficiaire",
    "Code postal du bénéficiaire",
    "Code Insee du bénéficiaire",
    "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire",
    "Statut du bénéficiaire",
    "Premier accompagnement",
    "Réalisation",
    "État de la démarche",
    "Canal à distance",
    "ID CRA",
]

_FIELDS = (
    "accompaniment_id",
    "accompaniment__participants",
    "person_id",
    "person__archived_at",
    "gender",
    "age_band",
    "social_status",
    "commune_code",
    "is_first",
    "accompaniment__date",
    "accompaniment__created_at",
    "accompaniment__updated_at",
    "accompaniment__author__first_name",
    "accompaniment__author__last_name",
    "accompaniment__kind",
    "accompaniment__place_kind",
    "accompaniment__place__name",
    "accompaniment__place__address",
    "accompaniment__place__postal_code",
    "accompaniment__place__commune_code",
    "accompaniment__place_commune_code",
    "accompaniment__remote_channel",
    "accompaniment__duration_minutes",
    "accompaniment__workshop_title",
    "accompaniment__workshop_level",
    "accompaniment__equipment",
    "accompaniment__themes",
    "accompaniment__online_services",
    "accompaniment__autonomy",
    "accompaniment__referred_to",
    "accompaniment__mode",
    "accompaniment__procedure_status",
    "accompaniment__structure__commune_code",
)


def person_key(structure_id: int, person_id: int) -> str:
    """Return the pseudonymous key of a record: the same in every export of the structure, and no id."""
    message = f"{structure_id}:{person_id}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), b"appui.activity-export:" + message, hashlib.sha256)
    return digest.hexdigest()[:16]


def _text(value: str) -> str:
    """Return text a spreadsheet shows as text, never runs as a formula (OWASP CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


@lru_cache(maxsize=4096)
def _commune(code: str) -> tuple[str, str]:
    commune = get_commune(code) if code else None
    if commune is None:
        return "", ""
    return commune.name, commune.postal_codes[0] if commune.postal_codes else ""


@lru_cache(maxsize=4096)
def _json_list(raw: str) -> tuple[str, ...]:
    return tuple(json.loads(raw))


def _as_list(value: Any) -> tuple[str, ...]:
    """Return a JSON array column as the driver gives it: text (SQLite) or already decoded (PostgreSQL)."""
    if isinstance(value, str):
        return _json_list(value)
    return tuple(value or ())


def _as_date(value: Any) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _as_local(value: Any, tz: datetime.tzinfo) -> str:
    """Return a stored timestamp (naive UTC text on SQLite, aware on PostgreSQL) in local time, as the CRA."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
    return value.astimezone(tz).strftime("%d/%m/%Y à %H:%M")


def _raw_rows(queryset: Any) -> Iterator[tuple[Any, ...]]:
    """Yield the rows of a ``values_list`` query straight from the driver, in chunks (a server-side cursor on
    PostgreSQL): the export formats each value itself, without the ORM's per-row conversions."""
    sql, params = queryset.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows


def activity_rows(
    activities: AccompanimentQuerySet, *, structure_id: int, may_open_archived: bool
) -> Iterator[list[Any]]:
    """Yield one row per activity and beneficiary of ``activities``, oldest first, in the order of COLUMNS."""
    participations = (
        Participation.objects.filter(accompaniment__in=activities.values("pk"))
        .order_by("accompaniment__date", "accompaniment_id", "id")
        .values_list(*_FIELDS)
    )
    labels_kind = {k: cra.label(cra.TYPE_ACTIVITE, k) for k in Kind.values}
    labels_place = {k: cra.label(cra.TYPE_LIEU, k) for k in PlaceKind.values}
    labels_equipment = {k: v[1] for k, v in cra.MATERIEL.items()}
    labels_theme = {k: v[1] for k, v in cra.ALL_THEMES.items()}
    labels_referral = {k: v[1] for k, v in cra.STRUCTURE_DE_REDIRECTION.items()}
    labels_mode = dict(Mode.choices)
    labels_status = dict(ProcedureStatus.choices)
    labels_channel = dict(RemoteChannel.choices)
    labels_service = dict(OnlineService.choices)
    genders = {k: v[1] for k, v in cra.GENRE.items()}
    bands = {k: v[1] for k, v in cra.TRANCHE_AGE.items()}
    statuses = {k: v[1] for k, v in cra.STATUT_SOCIAL.items()}
    current, position = None, 0
    tz = timezone.get_current_timezone()
    for r in _raw_rows(participations):
        (
            accompaniment_id, participants, person_id, archived_at, gender, age_band, status, commune_code, is_first,
            day, created_at, updated_at, author_first, author_last, kind, place_kind, place_name, place_address,
            place_postal, place_commune, other_commune, channel, minutes, title, level, equipment, themes, services,
            autonomy, referred_to, mode, procedure_status, structure_commune,
        ) = r  # fmt: skip
        position = position + 1 if accompaniment_id == current else 1
        current = accompaniment_id
        if place_kind == PlaceKind.OWN_PLACE:
            commune_code_place = place_commune or ""
            commune_name, postal = _commune(commune_code_place)
            postal = place_postal or postal
        else:
            # As the CRA: a remote activity is located at the structure's commune.
            commune_code_place = structure_commune if place_kind == PlaceKind.REMOTE else other_commune
            commune_name, postal = _commune(commune_code_place)
        beneficiary_commune, beneficiary_postal = _commune(commune_code)
        stars = cra.AUTONOMIE_ETOILES.get(autonomy) or cra.NIVEAU_ETOILES.get(level)
        if person_id is None or (archived_at is not None and not may_open_archived):
            key = ""
        else:
            key = person_key(structure_id, person_id)
        yield [
            _as_date(day),
            _as_local(created_at, tz),
            "" if updated_at == created_at else _as_local(updated_at, tz),
            _text(f"{author_first} {author_last}".strip()),
            labels_kind[kind],
            1 if participants == 1 else f"{position}/{participants}",
            key,
            labels_place[place_kind],
            _text(place_name or ""),
            _text(place_address or ""),
            commune_name,
            postal,
            commune_code_place or "",
            minutes,
            _text(title),
            "\n".join(labels_equipment.get(e, e) for e in _as_list(equipment)),
            "\n".join(labels_theme.get(t, t) for t in _as_list(themes)),
            "\n".join(labels_service.get(s, s) for s in _as_list(services)),
            f"{stars}/3" if stars else "",
            ("Oui" if referred_to else "Non") if kind == Kind.INDIVIDUAL else "",
            labels_referral.get(referred_to, ""),
            beneficiary_commune,
            beneficiary_postal,
            commune_code,
            genders[gender],
            bands.get(age_band, bands[""]),
            statuses[status],
            "Oui" if is_first else "Non",
            labels_mode.get(mode, mode),
            labels_status.get(procedure_status, ""),
            labels_channel.get(channel, ""),
            accompaniment_id,
        ]


def csv_stream(rows: Iterator[list[Any]]) -> Iterator[bytes]:
    """Yield a CSV for French spreadsheets (UTF-8 with BOM, ";"), a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        row[0] = row[0].strftime("%d/%m/%Y")
        writer.writerow(row)
        count += 1
        if count % 1000 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_file(rows: Iterator[list[Any]], *, title: str) -> IO[bytes]:
    """Write the rows into an XLSX workbook (openpyxl, write-only) in a temporary file; return it rewound."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Activités")
    sheet.append([title])
    sheet.append([])
    sheet.append(COLUMNS)
    for row in rows:
        cell = WriteOnlyCell(sheet, value=row[0])
        cell.number_format = "DD/MM/YYYY"
        sheet.append([cell, *row[1:]])
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (returned open, closed by the response that streams it)
    workbook.save(handle)
    handle.seek(0)
    return handle
