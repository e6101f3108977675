"""Activities export (CSV, XLSX), the activity report PDF and the monthly job."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from appui.audit.models import AuditEvent
from appui.reporting.exports import COLUMNS, person_key
from appui.reporting.models import ActivityReport
from appui.reporting.periods import previous_month
from tests.conftest import logged_in_client

from .dataset import START, TODAY, build


@pytest.fixture
def dataset(db):
    return build()


def _period() -> dict[str, str]:
    return {"periode": "personnalisee", "du": START.isoformat(), "au": TODAY.isoformat()}


def _csv_rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body), delimiter=";"))


def _chosen(dataset, structure="A", author=None):
    return [
        e
        for e in dataset.ledger
        if e.structure == structure and START <= e.date <= TODAY and (author is None or e.author == author)
    ]


@pytest.mark.django_db
def test_csv_has_one_row_per_activity_and_beneficiary_with_cra_columns_and_no_names(dataset):
    response = logged_in_client(dataset.members["mA"]).get(reverse("web:statistics_export_csv"), _period())
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    chosen = _chosen(dataset)
    assert len(rows) == sum(len(e.beneficiaries) for e in chosen)
    assert list(rows[0]) == COLUMNS
    assert {r["Type"] for r in rows} == {"Accompagnement individuel", "Atelier collectif"}
    assert {r["Canaux d’accompagnement"] for r in rows} == {"Lieu d’activité", "À domicile", "À distance", "Autre lieu"}
    p1 = dataset.persons["p1"]
    keys = {r["Bénéficiaire (clé pseudonyme)"] for r in rows}
    assert person_key(p1.structure_id, p1.pk) in keys and str(p1.pk) not in keys
    assert sum(1 for r in rows if r["Bénéficiaire (clé pseudonyme)"] == person_key(p1.structure_id, p1.pk)) == sum(
        1 for e in chosen for b in e.beneficiaries if b.key == "p1"
    )
    body = "\n".join(";".join(r.values()) for r in rows)
    for person in dataset.persons.values():
        if person.last_name:
            assert person.last_name not in body
    workshop = [r for r in rows if r["Type"] == "Atelier collectif" and r["Participants"].endswith("/5")]
    assert [r["Participants"] for r in workshop] == ["1/5", "2/5", "3/5", "4/5", "5/5"]
    assert {r["Genre du bénéficiaire"] for r in rows} <= {"Féminin", "Masculin", "Non communiqué"}
    assert AuditEvent.objects.filter(action="statistics.export", actor=dataset.members["mA"].user).exists()


@pytest.mark.django_db
def test_a_member_exports_only_their_own_activities_and_an_archived_record_has_no_key(dataset):
    p1 = dataset.persons["p1"]
    p1.archived_at = timezone.now()
    p1.save()
    rows = _csv_rows(logged_in_client(dataset.members["mA2"]).get(reverse("web:statistics_export_csv"), _period()))
    assert len(rows) == sum(len(e.beneficiaries) for e in _chosen(dataset, author="mA2"))
    assert person_key(p1.structure_id, p1.pk) not in {r["Bénéficiaire (clé pseudonyme)"] for r in rows}


@pytest.mark.django_db
def test_xlsx_holds_the_same_rows(dataset):
    response = logged_in_client(dataset.members["mA"]).get(reverse("web:statistics_export_xlsx"), _period())
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook["Activités"].iter_rows(values_only=True))
    assert list(rows[2]) == COLUMNS
    assert len(rows) - 3 == sum(len(e.beneficiaries) for e in _chosen(dataset))


@pytest.mark.django_db
def test_report_pdf_states_the_figures_and_the_comparison(dataset):
    response = logged_in_client(dataset.members["mA"]).get(reverse("web:statistics_report"), _period())
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    chosen = _chosen(dataset)
    assert "Rapport d'activité" in text and "CCAS Villeurbanne" in text
    assert f"Activités {len(chosen)} " in text  # the figure, then the previous period's
    assert "Évolution" in text and "Accompagnements par jour" in text
    assert "Droits : 3 trouvés, 3 demandés, 2 obtenus, soit 200,00 € par mois" in text
    for person in dataset.persons.values():
        if person.last_name:
            assert person.last_name not in text


@pytest.mark.django_db
def test_monthly_command_produces_last_months_report_once(dataset, capsys):
    call_command("generate_monthly_reports")
    start, end = previous_month(timezone.localdate())
    reports = ActivityReport.objects.filter(period_start=start, period_end=end)
    assert reports.count() == 4  # every active structure
    first = {r.pk: r.sha256 for r in reports}
    call_command("generate_monthly_reports")
    assert {r.pk: r.sha256 for r in ActivityReport.objects.filter(period_start=start)} == first
    assert "0 rapport(s) produit(s), 4 déjà là" in capsys.readouterr().out
    report = reports.get(structure=dataset.structures["A"])
    text = PdfReader(io.BytesIO(bytes(report.pdf))).pages[0].extract_text()
    assert "CCAS Villeurbanne" in " ".join(text.split())
    manager = logged_in_client(dataset.members["mA"])
    assert manager.get(reverse("web:monthly_report_download", args=[report.pk])).content == bytes(report.pdf)
    assert (
        logged_in_client(dataset.members["mA2"])
        .get(reverse("web:monthly_report_download", args=[report.pk]))
        .status_code
        == 403
    )
    assert AuditEvent.objects.filter(action="statistics.report", structure=dataset.structures["A"]).count() == 1
