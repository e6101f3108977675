"""Every file of the shared reference data is imported: counted, repaired, rejected only with reasons.

The files are the real ones (copied in appui/demo/data), faults included. The counts quoted in the README come
from these imports (``-s`` prints them).
"""

import csv
import json

import pytest
from django.core.management import call_command

from appui.audit.enums import AuditAction
from appui.audit.models import AuditEvent
from appui.places.models import Place, PlaceImport
from appui.places.standard import place_row, validate_rows

from .conftest import EXAMPLE_V1, FRANCE_SERVICES, HUB_DU_SUD

pytestmark = pytest.mark.django_db


def _print(report):
    print(f"\n{report.filename}: {report.summary()}")


def test_france_services_list_every_row_counted_rejected_rows_are_those_without_an_address(import_file):
    report = import_file(FRANCE_SERVICES, "france-services")
    _print(report)
    with FRANCE_SERVICES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    without_address = {row["id_fs"] for row in rows if not row["adresse"].strip() and not row["insee_com"].strip()}
    assert report.total == len(rows) == report.accepted + report.rejected
    assert {reject["id"] for reject in report.rejects} == without_address
    assert all("adresse manquante" in reject["reasons"] for reject in report.rejects)
    assert Place.objects.filter(source="france-services").count() == report.accepted
    # Phones and per-day hours are repaired into the standard's formats, and counted.
    assert report.repairs["téléphone mis au format international"] == sum(
        1 for r in rows if r["telephone"] and r["adresse"]
    )
    valserhone = Place.objects.get(source="france-services", source_id="1")
    assert valserhone.phone == "+33450568749"
    assert valserhone.opening_hours == "Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00,13:30-16:00"
    assert valserhone.programmes == ["france-services"] and valserhone.departement == "01"
    # Every accepted place is a valid row of the v1 standard.
    assert validate_rows(place_row(p) for p in Place.objects.filter(source="france-services")) == {}


def test_france_services_repairs_garbled_names_and_keeps_unreadable_hours_aside(import_file):
    report = import_file(FRANCE_SERVICES, "france-services")
    assert not Place.objects.filter(name__contains="Ã").exists()
    # Days written twice, overlapping or padded with « 00:00 - 00:00 » are merged into valid hours…
    merged = Place.objects.get(source="france-services", source_id="494")  # « 08:45 - 16:30 / 08:45 - 16:30 »
    assert merged.opening_hours == "Mo-Fr 08:45-16:30"
    # …but a range out of the day's order is a slip nobody can guess: kept as published, beside the standard.
    aside = {w["id"]: w["value"] for w in report.warnings if w["column"] == "horaires"}
    assert "09:00-13:00-/3:00-16:00" in aside["temp_29"]
    place = Place.objects.get(source="france-services", source_id="temp_29")
    assert place.opening_hours == "" and place.unparsed["horaires"] == aside["temp_29"]


def test_hub_du_sud_v0_json_is_converted_to_v1_with_its_insee_codes_derived(import_file):
    report = import_file(HUB_DU_SUD, "hub-du-sud")
    _print(report)
    records = json.loads(HUB_DU_SUD.read_text(encoding="utf-8"))
    assert report.format == "lieux-v0"
    assert report.total == len(records) == report.accepted + report.rejected
    assert report.repairs["code INSEE déduit du code postal et du nom de la commune"] >= 600
    for reject in report.rejects:
        assert any("introuvable" in reason for reason in reject["reasons"]), reject
        assert reject["line"] > 1
    places = Place.objects.filter(source="hub-du-sud")
    assert not places.filter(commune_code="").exists()
    # A wrong postal code (06922) with a name found once in France (Belleville-en-Beaujolais, Rhône).
    assert places.get(source_id="mediation-numerique-france-services-2490").commune_code == "69019"
    # Old vocabulary converted: no place keeps a v0 service, "CNFS" became "Conseillers numériques".
    assert places.filter(facets__contains=" prog:conseillers-numeriques ").count() == sum(
        1 for r in records if "CNFS" in r.get("labels_nationaux", "")
    ) - sum(1 for reject in report.rejects if "conseiller-numerique" in reject["id"])
    assert report.notes["publics accueillis : « Adultes » sans équivalent en v1 (lieu ouvert à tous)"] > 0
    assert validate_rows(place_row(p) for p in places) == {}


def test_the_standards_example_row_is_accepted_unchanged(import_file):
    report = import_file(EXAMPLE_V1, "exemple")
    _print(report)
    assert (report.total, report.accepted, report.repaired, report.rejected) == (1, 1, 0, 0)


def test_command_line_import_prints_the_report_and_journals_it(capsys, tmp_path):
    output = tmp_path / "rejets.csv"
    call_command("import_places", str(FRANCE_SERVICES), "--source", "fs", "--report", str(output))
    printed = capsys.readouterr().out
    assert "2683 ligne(s) lue(s)" in printed and "Lignes rejetées :" in printed
    assert "ligne 2" in printed or "ligne " in printed
    run = PlaceImport.objects.get(source__name="fs")
    assert run.accepted + run.rejected == 2683 and run.actor is None
    assert AuditEvent.objects.filter(action=AuditAction.PLACES_IMPORT, object_id=str(run.pk)).exists()
    with output.open(encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    assert sum(1 for line in lines if line["statut"] == "rejetée") == run.rejected


def test_dry_run_writes_nothing(import_file):
    report = import_file(HUB_DU_SUD, "hub-du-sud", dry_run=True)
    assert report.accepted > 600
    assert not Place.objects.exists() and not PlaceImport.objects.exists()
