"""Caseload screening on wrong input: a household OpenFisca cannot compute, lines that are wrong as lines of the
file (cut short, reference repeated or too long), a file not in UTF-8; the legislation month; the API's words."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from appui.accounts.enums import Role
from appui.rights import services
from appui.rights.caseload import CaseloadEntry, entries_from_csv, run_caseload
from appui.rights.csv_format import read_rows
from appui.rights.enums import CaseloadSource, CaseloadStatus
from appui.rights.models import CaseloadScreening
from appui.rights.situation import AdultAnswers, ChildAnswers, HouseholdAnswers, resolve
from tests.people.factories import PersonFactory

from .conftest import PERIOD
from .factories import ScreeningFactory
from .test_api import SINGLE_TENANT, api_for
from .test_caseload import GOOD, HEADER, csv_text


def _answers_openfisca_rejects() -> HouseholdAnswers:
    """A tenant whose child's schooling is a word OpenFisca does not know (as answers kept from an older form)."""
    return HouseholdAnswers(
        adults=[AdultAnswers(label="la personne", birth_date=datetime.date(1985, 1, 1), resources={})],
        children=[ChildAnswers(label="l'enfant 1", birth_date=datetime.date(2015, 1, 1), schooling="cours_moyen")],
        housing_status="locataire_prive",
        rent=500.0,
        commune_code="69266",
        rfr=0.0,
        benefits_received={},
    )


@pytest.fixture
def worker(structure, member_of):
    return member_of(structure, Role.TRAVAILLEUR_SOCIAL)


def test_a_household_that_makes_openfisca_fail_is_its_own_error_and_the_others_are_computed(engine):
    with pytest.raises(Exception, match="TypesScolarite"):  # the household really makes OpenFisca fail
        engine.compute([resolve(_answers_openfisca_rejects(), period=PERIOD)])
    rows = list(entries_from_csv(read_rows(csv_text(GOOD))))
    broken = CaseloadEntry(reference="X-1", person_id=7, answers=_answers_openfisca_rejects())
    clean = run_caseload(rows, period=PERIOD, engine=engine, workers=1)
    mixed = run_caseload([*rows[:2], broken, *rows[2:]], period=PERIOD, engine=engine, workers=1)
    assert [(f.reference, f.monthly_total, f.rights, f.certainty) for f in mixed.findings] == [
        (f.reference, f.monthly_total, f.rights, f.certainty) for f in clean.findings
    ]
    assert [(p.reference, p.line) for p in mixed.problems] == [("X-1", None)]
    assert "le moteur de calcul (OpenFisca) n'a pas pu examiner ce foyer" in mixed.problems[0].message


@pytest.mark.django_db
def test_a_job_with_a_household_openfisca_cannot_compute_finishes_and_reports_it(worker, structure, engine):
    kept = PersonFactory(structure=structure, employment_status="sans_activite")
    ScreeningFactory(person=kept)  # a single tenant without resources: RSA
    broken = PersonFactory(structure=structure)
    ScreeningFactory(person=broken, answers=_answers_openfisca_rejects().to_json())
    job = services.caseload_screening_create(membership=worker, source=CaseloadSource.STRUCTURE, start=False)
    job = services.caseload_screening_run(job_id=job.pk)
    assert job.status == CaseloadStatus.DONE and job.total == 2 and job.error_count == 1
    assert job.errors[0]["reference"] == broken.file_number and "OpenFisca" in job.errors[0]["message"]
    assert [r.person_id for r in job.results.all()] == [kept.pk]


@pytest.mark.django_db
def test_repeated_cut_short_and_too_long_references_are_reported_with_their_line(worker, settings):
    settings.APPUI_CASELOAD_CHUNK_SIZE = 2  # the repeated reference falls in another chunk than the first one
    long_reference = "R" * 101
    rows = [
        GOOD[0],  # line 2
        GOOD[1],  # line 3
        GOOD[0].replace(";500;", ";650;"),  # line 4: A1 again
        "A6;14/07/1985;sans_activite;0",  # line 5: cut short
        GOOD[0].replace("A1", long_reference, 1),  # line 6
        GOOD[4],  # line 7
    ]
    job = services.caseload_screening_create(
        membership=worker, source=CaseloadSource.CSV, csv_text=csv_text(rows), start=False
    )
    seen = []
    job = services.caseload_screening_run(job_id=job.pk, progress=lambda done, total: seen.append((done, total)))
    assert job.status == CaseloadStatus.DONE and job.total == 6
    assert seen == [(2, 6), (4, 6), (6, 6)]  # the bar moves as each chunk finishes
    errors = {e["line"]: e for e in job.errors}
    assert sorted(errors) == [4, 5, 6]
    assert errors[4]["reference"] == "A1" and "déjà celle de la ligne 2" in errors[4]["message"]
    assert "la ligne a 4 colonne(s) au lieu de 16" in errors[5]["message"] and errors[5]["reference"] == "A6"
    assert "reference dépasse 100 caractères (101)" in errors[6]["message"]
    results = list(job.results.all())
    assert sorted((r.reference, r.line) for r in results) == [("A1", 2), ("A2", 3)]  # A1 once, its first line


def test_a_row_cut_short_is_not_read_as_unknown_values():
    rows = read_rows(HEADER + "\nA1;14/07/1985\nA2;14/07/1985;;;;;;;;;;;;;;\n")
    assert rows[0].problem and rows[1].problem is None  # empty cells are unknown; missing cells are an error


@pytest.mark.django_db
def test_the_command_line_names_the_line_of_a_file_not_in_utf8(worker, tmp_path):
    source = tmp_path / "foyers.csv"
    source.write_bytes(csv_text(GOOD[:2]).encode("utf-8") + "A9;01/01/1980;salarié\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"n'est pas encodé en UTF-8 \(premier caractère illisible à la ligne 4\)"):
        call_command(
            "screen_caseload", "--structure", str(worker.structure_id), "--user", worker.user.email, "--csv", source
        )


@pytest.mark.django_db
def test_a_caseload_is_screened_under_the_legislation_month_chosen(worker, engine, tmp_path, capsys):
    chosen = "2025-03"
    expected = run_caseload(entries_from_csv(read_rows(csv_text(GOOD[:1]))), period=chosen, engine=engine, workers=1)
    current = run_caseload(entries_from_csv(read_rows(csv_text(GOOD[:1]))), period=PERIOD, engine=engine, workers=1)
    assert expected.findings[0].rights["rsa"] != current.findings[0].rights["rsa"]  # the month changes the result
    # The API…
    response = api_for(worker).post(
        "/api/v1/rights/caseload-screenings/",
        {"source": "fichier", "csv": csv_text(GOOD[:1]), "period": chosen},
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    job = services.caseload_screening_run(job_id=response.json()["id"])
    assert job.period == chosen
    assert job.results.get().rights["rsa"] == expected.findings[0].rights["rsa"]
    refused = api_for(worker).post(
        "/api/v1/rights/caseload-screenings/",
        {"source": "fichier", "csv": csv_text(GOOD[:1]), "period": "2025-13"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "Indiquez un mois AAAA-MM" in refused.json()["period"][0]
    # …and the command line.
    source = tmp_path / "foyers.csv"
    source.write_text(csv_text(GOOD[:1]), encoding="utf-8")
    call_command(
        "screen_caseload",
        "--structure",
        str(worker.structure_id),
        "--user",
        worker.user.email,
        "--csv",
        source,
        "--mois",
        chosen,
    )
    latest = CaseloadScreening.objects.filter(structure=worker.structure).order_by("-pk").first()
    assert latest.period == chosen and latest.results.get().rights["rsa"] == expected.findings[0].rights["rsa"]
    with pytest.raises(CommandError, match="Indiquez un mois"):
        call_command(
            "screen_caseload",
            "--structure",
            str(worker.structure_id),
            "--user",
            worker.user.email,
            "--csv",
            source,
            "--mois",
            "janvier",
        )


@pytest.mark.django_db
def test_the_api_takes_the_activity_words_of_the_caseload_file(worker, engine):
    api = api_for(worker)
    for word, value in (("demandeur_emploi", "chomeur"), ("salarie", "actif"), ("sans_activite", "inactif")):
        as_file = {**SINGLE_TENANT, "adults": [{**SINGLE_TENANT["adults"][0], "activity": word}]}
        as_openfisca = {**SINGLE_TENANT, "adults": [{**SINGLE_TENANT["adults"][0], "activity": value}]}
        file_body = api.post("/api/v1/rights/screenings/", as_file, content_type="application/json")
        assert file_body.status_code == 200, file_body.content
        openfisca_body = api.post("/api/v1/rights/screenings/", as_openfisca, content_type="application/json")
        assert file_body.json()["rights"] == openfisca_body.json()["rights"]
    unknown = {**SINGLE_TENANT, "adults": [{**SINGLE_TENANT["adults"][0], "activity": "astronaute"}]}
    assert api.post("/api/v1/rights/screenings/", unknown, content_type="application/json").status_code == 400


@pytest.mark.django_db
def test_the_page_launches_a_caseload_under_the_month_chosen_and_names_a_file_not_in_utf8(worker, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_for(worker)
    upload = SimpleUploadedFile("foyers.csv", csv_text(GOOD[:1]).encode(), content_type="text/csv")
    response = client.post(
        reverse("web:rights_caseload"), {"source": CaseloadSource.CSV, "file": upload, "period": "2025-03"}
    )
    assert response.status_code == 302
    assert CaseloadScreening.objects.get().period == "2025-03"
    latin = SimpleUploadedFile("foyers.csv", (HEADER + "\nA1;01/01/1980;salarié\n").encode("latin-1"))
    page = client.post(reverse("web:rights_caseload"), {"source": CaseloadSource.CSV, "file": latin})
    assert "premier caractère illisible à la ligne 2" in page.content.decode()
    wrong_month = SimpleUploadedFile("foyers.csv", csv_text(GOOD[:1]).encode(), content_type="text/csv")
    page = client.post(
        reverse("web:rights_caseload"), {"source": CaseloadSource.CSV, "file": wrong_month, "period": "1999-01"}
    )
    assert "Indiquez un mois AAAA-MM" in page.content.decode() and CaseloadScreening.objects.count() == 1
