"""The person's right of access (RGPD art. 15): everything Appui holds about them, as JSON and as a PDF.

Each model linked to a person has an exporter in ``EXPORTERS``; ``person_access_export`` refuses to run when
one is missing, so a new model cannot be forgotten (tests/people/test_export.py checks it by introspection).
"""

import datetime
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.models import AuditEvent
from appui.audit.services import audit_record

from .models import Person
from .retention import person_linked_models

EXPORTERS: dict[str, Callable[[Person], list[dict[str, Any]]]] = {}

_SKIP_FIELDS = {"search_text", "search_phone", "search_email", "attestation_pdf", "screenshot", "content", "password"}


def exporter(
    label: str,
) -> Callable[[Callable[[Person], list[dict[str, Any]]]], Callable[[Person], list[dict[str, Any]]]]:
    def register(function: Callable[[Person], list[dict[str, Any]]]) -> Callable[[Person], list[dict[str, Any]]]:
        EXPORTERS[label] = function
        return function

    return register


def row(instance: models.Model) -> dict[str, Any]:
    """Return a model instance as plain data, with choice labels in French where they exist."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIP_FIELDS:
            continue
        value = getattr(instance, field.attname)
        if field.choices:
            value = {"code": value, "libellé": getattr(instance, f"get_{field.name}_display")()}
        data[str(field.verbose_name)] = value
    return data


@exporter("people.PersonSearchToken")
def _search_tokens(person: Person) -> list[dict[str, Any]]:
    return [{"préfixe indexé": token.prefix} for token in person.search_tokens.order_by("prefix")]


@exporter("people.Household")
def _household(person: Person) -> list[dict[str, Any]]:
    household = getattr(person, "household", None)
    return [row(household)] if household else []


@exporter("people.HouseholdMember")
def _members(person: Person) -> list[dict[str, Any]]:
    from .models import HouseholdMember

    return [row(m) for m in HouseholdMember.objects.filter(household__person=person)]


@exporter("accompaniments.Accompaniment")
def _accompaniments(person: Person) -> list[dict[str, Any]]:
    return [row(a) | {"auteur": str(a.author)} for a in person.accompaniments.select_related("author")]


@exporter("mandates.Mandate")
def _mandates(person: Person) -> list[dict[str, Any]]:
    return [row(m) for m in person.mandates.all()]


@exporter("mandates.MandateRevocation")
def _revocations(person: Person) -> list[dict[str, Any]]:
    from appui.mandates.models import MandateRevocation

    return [row(r) for r in MandateRevocation.objects.filter(mandate__person=person)]


@exporter("mandates.MandateUse")
def _mandate_uses(person: Person) -> list[dict[str, Any]]:
    from appui.mandates.models import MandateUse

    return [
        row(u) | {"fait par": str(u.used_by)}
        for u in MandateUse.objects.filter(mandate__person=person).select_related("used_by")
    ]


@exporter("service_alerts.ServiceAlert")
def _alerts(person: Person) -> list[dict[str, Any]]:
    from appui.service_alerts.models import ServiceAlert

    return [row(a) for a in ServiceAlert.objects.filter(accompaniment__person=person)]


@exporter("people.RightsRequest")
def _requests(person: Person) -> list[dict[str, Any]]:
    return [row(r) for r in person.rights_requests.all()]


@exporter("diagnostics.Diagnostic")
def _diagnostics(person: Person) -> list[dict[str, Any]]:
    from appui.diagnostics.models import Diagnostic

    return [row(d) for d in Diagnostic.objects.filter(person=person)]


@exporter("documents.Document")
def _documents(person: Person) -> list[dict[str, Any]]:
    from appui.documents.export import documents_for_person_export

    return documents_for_person_export(person)


def consultation_log(person: Person) -> list[dict[str, Any]]:
    """Who looked at or changed the record: dates, structures, actions, purposes (not the agents' names)."""
    return [
        {
            "date": event.created_at,
            "structure": str(event.structure) if event.structure else "",
            "action": event.get_action_display(),
            "finalité": event.get_purpose_display(),
        }
        for event in AuditEvent.objects.for_person(person.pk).select_related("structure").order_by("created_at", "id")
    ]


class MissingExporterError(Exception):
    """A model linked to persons has no exporter."""


def person_access_data(person: Person) -> dict[str, Any]:
    """Return everything held about the person, grouped by kind of record."""
    missing = [m._meta.label for m in person_linked_models() if m._meta.label not in EXPORTERS]
    if missing:
        raise MissingExporterError(f"Pas d'export pour : {', '.join(sorted(missing))}.")
    return {
        "généré le": timezone.now(),
        "responsable du traitement": {
            "structure": person.structure.name,
            "adresse": person.structure.address,
            "contact du DPO": person.structure.dpo_contact,
        },
        "personne": row(person) | {"référents": [str(u) for u in person.referents.all()]},
        "informations et consentements": {
            "informée du traitement de ses données le": person.informed_at,
            "mandats (textes acceptés)": [
                {"version": m.consent_version, "texte": m.consent_text, "empreinte": m.content_hash}
                for m in person.mandates.all()
            ],
        },
        "enregistrements": {
            model._meta.label: EXPORTERS[model._meta.label](person) for model in person_linked_models()
        },
        "journal des consultations": consultation_log(person),
    }


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return f"<{len(bytes(value))} octets>"
    return str(value)


def _pdf(data: dict[str, Any]) -> bytes:
    from fpdf import FPDF

    from appui.mandates.attestation import _latin1

    pdf = FPDF(format="A4")
    pdf.set_title("Vos données dans Appui")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin1("Vos données personnelles"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        0,
        5,
        _latin1(
            "Ce document liste tout ce que la structure a enregistré sur vous dans Appui, "
            "et qui a consulté votre dossier. Le fichier donnees.json contient les mêmes informations."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )

    def write(title: str, value: Any, depth: int = 0) -> None:
        indent = "    " * depth
        if isinstance(value, dict):
            pdf.set_font("Helvetica", "B", 11 if depth == 0 else 10)
            pdf.multi_cell(0, 6, _latin1(f"{indent}{title}"), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 9)
            for key, item in value.items():
                write(str(key), item, depth + 1)
        elif isinstance(value, list):
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(0, 6, _latin1(f"{indent}{title} ({len(value)})"), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 9)
            for index, item in enumerate(value, 1):
                write(f"{index}.", item, depth + 1)
        else:
            text = _json_default(value) if value is not None else "-"
            pdf.multi_cell(0, 5, _latin1(f"{indent}{title} : {text}"), new_x="LMARGIN", new_y="NEXT")

    for key, value in data.items():
        pdf.ln(2)
        write(key, value)
    return bytes(pdf.output())


@transaction.atomic
def person_access_export(*, membership: Any, person: Person) -> tuple[str, bytes]:
    """Return (file name, zip bytes) of the art. 15 export, and journal it."""
    from django.core.exceptions import PermissionDenied

    from appui.accounts import policy

    if not policy.can_view_consultation_history(membership) or person.structure_id != membership.structure_id:
        raise PermissionDenied("Seuls le ou la responsable et le DPO produisent l'export du droit d'accès.")
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.ACCESS_EXPORT,
        purpose=AuditPurpose.DATA_PROTECTION,
        obj=person,
        person_id=person.pk,
    )
    data = person_access_data(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))
        archive.writestr("donnees.pdf", _pdf(data))
        from appui.documents.export import document_files_for_person_export

        for path, content in document_files_for_person_export(person):
            archive.writestr(path, content)
    return f"acces-donnees-{person.file_number}.zip", buffer.getvalue()
