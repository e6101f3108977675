"""Caseload screening: the CSV format, the job code path (in process and in forked workers), exports, CLI."""

import datetime
import io
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from appui.accounts.enums import Role
from appui.audit.enums import AuditAction
from appui.audit.models import AuditEvent
from appui.rights import services
from appui.rights.caseload import chunk_bounds, entries_from_csv, run_caseload
from appui.rights.certainty import PROBABLE, TO_COMPLETE
from appui.rights.csv_format import CsvFormatError, RowError, parse_row, read_rows, template_text
from appui.rights.enums import CaseloadSource, CaseloadStatus
from appui.rights.exports import to_csv, to_xlsx
from appui.rights.models import CaseloadScreening
from appui.rights.selectors import caseload_results
from tests.people.factories import HouseholdMemberFactory, PersonFactory

from .conftest import PERIOD
from .factories import ScreeningFactory

HEADER = (
    "reference;date_naissance;activite;salaire;chomage;retraite;taux_incapacite;conjoint_date_naissance;"
    "conjoint_salaire;enfants_dates_naissance;enfants_scolarite;logement;loyer;code_commune;rfr;prestations_percues"
)
GOOD = [
    "A1;14/07/1985;sans_activite;0;0;0;0;;;;;locataire_prive;500;69266;0;aucune",
    "A2;1958-11-21;retraite;0;0;690;0;;;;;proprietaire;0;33063;7900;aucune",
    "A3;05/01/1979;salarie;1600;0;0;0;08/06/1981;0;17/02/2012|30/08/2015;college|college;locataire_hlm;650;13055;20000;"
    "allocations_familiales=149,89",
    "A4;30/04/1976;sans_activite;;;;80;;;;;locataire_hlm;410;59350;;",
    "A5;02/02/1970;salarie;4500;0;0;0;;;;;proprietaire;0;75056;60000;aucune",
]
BAD = [
    "B1;31/02/1980;sans_activite;0;0;0;0;;;;;locataire_prive;500;69266;0;aucune",
    "B2;14/07/1985;astronaute;-5;0;0;0;;;;;chateau;500;99999;0;rsa=abc",
    ";;sans_activite;;;;;;;;;;;;;",
]


def csv_text(rows):
    return "\n".join([HEADER, *rows]) + "\n"


def test_the_template_offered_for_download_is_read_without_error():
    rows = read_rows(template_text())
    assert [r.reference for r in rows] == ["F-0001", "F-0002", "F-0003", "F-0004", "F-0005"]
    for row in rows:
        parse_row(row)


def test_a_file_without_the_required_columns_is_refused_as_a_whole():
    with pytest.raises(CsvFormatError, match="reference"):
        read_rows("nom;prenom\nA;B\n")
    with pytest.raises(CsvFormatError, match="vide"):
        read_rows("")


def test_commas_a_byte_order_mark_french_amounts_and_iso_dates_are_read():
    rows = read_rows(
        '\ufeffreference,date_naissance,salaire,loyer,logement\nX,1985-07-14,"1 250,50",480.5,locataire_prive\n'
    )
    answers = parse_row(rows[0])
    assert answers.adults[0].birth_date == datetime.date(1985, 7, 14)
    assert answers.adults[0].resources == {"salaire": 1250.5}
    assert answers.rent == 480.5 and answers.rfr is None and answers.benefits_received is None


def test_a_bad_row_names_its_line_and_every_reason():
    rows = read_rows(csv_text(GOOD[:1] + BAD))
    assert [r.line for r in rows] == [2, 3, 4, 5]
    with pytest.raises(RowError) as error:
        parse_row(rows[2])
    message = str(error.value)
    for reason in (
        "activite « astronaute »",
        "salaire « -5 »",
        "logement « chateau »",
        "code_commune « 99999 »",
        "abc",
    ):
        assert reason in message
    with pytest.raises(RowError, match="reference est vide"):
        parse_row(rows[3])


def test_empty_cells_are_unknown_and_become_assumptions(engine):
    outcome = run_caseload(entries_from_csv(read_rows(csv_text(GOOD))), period=PERIOD, engine=engine, workers=1)
    a4 = next(f for f in outcome.findings if f.reference == "A4")
    assert any("Ressources de la personne non renseignées" in a for a in a4.assumptions)
    assert any("Revenu fiscal de référence" in a for a in a4.assumptions)
    # Without its resources the household is not assessed: no amount is kept, what is missing is named.
    assert a4.certainty == TO_COMPLETE and a4.rights == {} and a4.monthly_total == 0
    assert a4.missing == ("resources:0",)
    assert outcome.findings[-1] is a4  # listed after every household assessed


def test_bad_rows_never_stop_nor_change_the_others(engine):
    clean = run_caseload(entries_from_csv(read_rows(csv_text(GOOD))), period=PERIOD, engine=engine, workers=1)
    mixed = run_caseload(
        entries_from_csv(read_rows(csv_text([BAD[0], GOOD[0], BAD[1], *GOOD[1:], BAD[2]]))),
        period=PERIOD,
        engine=engine,
        workers=1,
    )
    assert [(f.reference, f.monthly_total, f.rights) for f in mixed.findings] == [
        (f.reference, f.monthly_total, f.rights) for f in clean.findings
    ]
    assert [(p.line, p.reference) for p in mixed.problems] == [(2, "B1"), (4, "B2"), (9, "")]
    assert "n'est pas une date" in mixed.problems[0].message


def test_households_are_sorted_by_monthly_amount_and_nothing_annual_counts_as_monthly(engine):
    outcome = run_caseload(entries_from_csv(read_rows(csv_text(GOOD))), period=PERIOD, engine=engine, workers=1)
    ranks = [(f.certainty, -f.monthly_total) for f in outcome.findings]  # probable first, then by amount
    assert ranks == sorted(ranks)
    a1 = next(f for f in outcome.findings if f.reference == "A1")
    assert a1.rights["rsa"] == 573.49 and a1.rights["css_gratuite"] is None
    # 573.49 RSA + housing aid + chèque énergie / 12 (a yearly amount counts for a twelfth).
    assert a1.monthly_total == pytest.approx(
        573.49 + a1.rights["aide_logement"] + round(a1.rights["cheque_energie"] / 12, 2)
    )
    assert "A5" not in {f.reference for f in outcome.findings}  # a good salary: nothing to claim
    a3 = next(f for f in outcome.findings if f.reference == "A3")
    assert "allocations_familiales" not in a3.rights  # already received


def test_chunks_hold_about_10000_households_and_feed_every_worker():
    assert chunk_bounds(100_000, workers=2) == [(i, i + 10_000) for i in range(0, 100_000, 10_000)]
    assert chunk_bounds(1_000, workers=2) == [(0, 500), (500, 1000)]
    assert chunk_bounds(10, workers=2) == [(0, 10)]
    assert chunk_bounds(0, workers=2) == []


def test_forked_workers_give_the_same_results_as_one_process(engine):
    rows = read_rows(csv_text([row.replace("A", f"R{i}-", 1) for i in range(100) for row in GOOD + BAD[:1]]))
    progress = []
    single = run_caseload(entries_from_csv(rows), period=PERIOD, engine=engine, workers=1)
    forked = run_caseload(
        entries_from_csv(rows), period=PERIOD, engine=engine, workers=2, chunk_size=200, progress=progress.append
    )
    assert forked.workers == 2 and forked.chunks == 3
    assert progress[-1] == len(rows) and progress == sorted(progress)
    assert [(f.reference, f.monthly_total) for f in forked.findings] == [
        (f.reference, f.monthly_total) for f in single.findings
    ]
    assert len(forked.problems) == 100


@pytest.fixture
def worker(structure, member_of):
    return member_of(structure, Role.TRAVAILLEUR_SOCIAL)


@pytest.mark.django_db
def test_the_background_job_runs_a_csv_and_keeps_results_counts_and_line_errors(worker, engine):
    job = services.caseload_screening_create(
        membership=worker, source=CaseloadSource.CSV, csv_text=csv_text(GOOD + BAD), filename="foyers.csv", start=False
    )
    assert job.status == CaseloadStatus.PENDING
    seen = []
    job = services.caseload_screening_run(job_id=job.pk, progress=lambda done, total: seen.append((done, total)))
    assert job.status == CaseloadStatus.DONE and seen[-1] == (8, 8)
    assert (job.total, job.processed, job.with_rights, job.to_complete, job.error_count) == (8, 8, 3, 1, 3)
    assert job.to_complete_reasons == {"resources": 1}
    assert [e["line"] for e in job.errors] == [7, 8, 9]
    assert job.source_csv == ""  # the uploaded file is not kept
    assert len(job.period) == 7 and job.engine_versions["openfisca-france"] == "176.1.8"
    results = list(caseload_results(job, membership=None))
    assert len(results) == 4
    ranks = [(r.certainty, -r.unclaimed_monthly_total) for r in results[:3]]  # probable first, then by amount
    assert ranks == sorted(ranks)
    assert results[-1].reference == "A4" and results[-1].missing_labels == ["ressources de la personne"]
    event = AuditEvent.objects.get(action=AuditAction.CASELOAD_SCREENING)
    assert event.actor == worker.user and event.object_id == str(job.pk)
    again = services.caseload_screening_run(job_id=job.pk)
    assert again.results.count() == 4  # a job runs once


@pytest.mark.django_db
def test_the_structure_job_uses_the_last_screening_or_the_record_and_only_this_structure(
    worker, structure, other_structure, engine
):
    with_screening = PersonFactory(structure=structure, employment_status="sans_activite")
    ScreeningFactory(person=with_screening)  # its answers: a single tenant without resources, rent 500
    record_only = PersonFactory(structure=structure, employment_status="salarie")
    HouseholdMemberFactory(household__person=record_only, relationship="enfant", birth_date=datetime.date(2016, 1, 1))
    PersonFactory(structure=other_structure)
    PersonFactory(structure=structure, is_anonymous=True, last_name="", informed_at=None)
    job = services.caseload_screening_create(membership=worker, source=CaseloadSource.STRUCTURE, start=False)
    job = services.caseload_screening_run(job_id=job.pk)
    assert job.status == CaseloadStatus.DONE and job.total == 2
    results = {r.person_id: r for r in job.results.all()}
    assert results[with_screening.pk].rights["rsa"] == 573.49 and results[with_screening.pk].assumptions == []
    assert any("Ressources" in a for a in results[record_only.pk].assumptions)
    assert results[record_only.pk].certainty == TO_COMPLETE and results[record_only.pk].rights == {}
    assert results[with_screening.pk].certainty == PROBABLE
    assert results[with_screening.pk].reference == with_screening.file_number


@pytest.mark.django_db
def test_a_job_whose_file_cannot_be_read_fails_with_a_french_reason(worker):
    job = CaseloadScreening.objects.create(
        structure=worker.structure, created_by=worker.user, source=CaseloadSource.CSV, source_csv="nom\nX\n"
    )
    job = services.caseload_screening_run(job_id=job.pk)
    assert job.status == CaseloadStatus.FAILED and "Colonne(s) obligatoire(s)" in job.failure_message


@pytest.mark.django_db
def test_roles_that_may_not_read_the_situation_cannot_launch_a_caseload(structure, member_of):
    from django.core.exceptions import PermissionDenied

    for role in (Role.ACCUEIL, Role.DPO):
        with pytest.raises(PermissionDenied):
            services.caseload_screening_create(membership=member_of(structure, role), source=CaseloadSource.STRUCTURE)


def test_the_csv_export_suits_french_spreadsheets_and_never_runs_a_formula():
    text = to_csv([[1, '=HYPERLINK("x")', None, Decimal("573.49"), 2.5]], ["Rang", "Réf", "Ligne", "Total", "X"])
    assert text == '\ufeffRang;Réf;Ligne;Total;X\r\n1;"\'=HYPERLINK(""x"")";;573,49;2,5\r\n'


def test_the_xlsx_export_is_a_valid_workbook_with_numbers_as_numbers():
    content = to_xlsx(
        [[1, "Foyer <A> & co", None, Decimal("573.49")], [2, "@cmd", 3, 12.5]], ["Rang", "Foyer", "Ligne", "€"]
    )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= names
        for name in names:
            ET.fromstring(archive.read(name))  # noqa: S314 (our own output) — every part is well-formed XML
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="D2"><v>573.49</v></c>' in sheet
    assert "Foyer &lt;A&gt; &amp; co" in sheet and "'@cmd" in sheet and 'r="C2"' not in sheet


@pytest.mark.django_db
def test_the_command_line_runs_a_file_with_a_progress_bar_and_writes_the_results(worker, tmp_path, engine, capsys):
    source = tmp_path / "foyers.csv"
    source.write_text(csv_text(GOOD + BAD[:1]), encoding="utf-8")
    output = tmp_path / "resultats.xlsx"
    call_command(
        "screen_caseload",
        "--structure",
        str(worker.structure_id),
        "--user",
        worker.user.email.upper(),
        "--csv",
        str(source),
        "--output",
        str(output),
    )
    captured = capsys.readouterr()
    assert "6 foyers examinés" in captured.out and "3 avec des droits non demandés" in captured.out
    assert "1 foyer(s) à compléter" in captured.out
    assert "ligne 7 (B1)" in captured.out
    assert "[##############################]" in captured.err and "foyers/s" in captured.err
    assert zipfile.is_zipfile(output)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


@pytest.mark.django_db
def test_the_command_line_runs_a_pending_job_and_refuses_unknown_members(worker, structure, member_of, engine):
    job = services.caseload_screening_create(
        membership=worker, source=CaseloadSource.CSV, csv_text=csv_text(GOOD[:2]), start=False
    )
    call_command("screen_caseload", "--job", str(job.pk), stdout=io.StringIO(), stderr=io.StringIO())
    job.refresh_from_db()
    assert job.status == CaseloadStatus.DONE
    with pytest.raises(CommandError, match="pas en attente"):
        call_command("screen_caseload", "--job", str(job.pk), stdout=io.StringIO(), stderr=io.StringIO())
    accueil = member_of(structure, Role.ACCUEIL)
    with pytest.raises(CommandError, match="rôle"):
        call_command("screen_caseload", "--structure", str(structure.pk), "--user", accueil.user.email)
    with pytest.raises(CommandError, match="accès actif"):
        call_command("screen_caseload", "--structure", str(structure.pk), "--user", "inconnu@example.org")
