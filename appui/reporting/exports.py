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
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
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


def _commune(code: str) -> tuple[str, str]:
    commune = get_commune(code) if code else None
    if commune is None:
        return "", ""
    return commune.name, commune.postal_codes[0] if commune.postal_codes else ""


def activity_rows(activities: AccompanimentQuerySet, *, structure_id: int, may_open_archived: bool) -> Iterator[list[Any]]:
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
    current, position = None, 0
    tz = timezone.get_current_timezone()
    for r in participations.iterator(chunk_size=CHUNK):
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
            postal = place_postal or _commune(commune_code_place)[1]
            commune_name = _commune(commune_code_place)[0]
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
            day,
            timezone.localtime(created_at, tz).strftime("%d/%m/%Y à %H:%M"),
            "" if updated_at == created_at else timezone.localtime(updated_at, tz).strftime("%d/%m/%Y à %H:%M"),
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
            "\n".join(labels_equipment.get(e, e) for e in equipment),
            "\n".join(labels_theme.get(t, t) for t in themes),
            "\n".join(labels_service.get(s, s) for s in services),
            f"{stars}/3" if stars else "",
            ("Oui" if referred_to else "Non") if kind == Kind.INDIVIDUAL else "",
            labels_referral.get(referred_to, ""),
            beneficiary_commune,
            beneficiary_postal,
            commune_code,
            cra.GENRE[gender][1],
            cra.TRANCHE_AGE.get(age_band, cra.TRANCHE_AGE[""])[1],
            cra.STATUT_SOCIAL[status][1],
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
        writer.writerow([value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else value for value in row])
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
