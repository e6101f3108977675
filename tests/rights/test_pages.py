"""The rights pages, through the test client: screening, results, printable summary, follow-up, caseload."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from appui.accounts.enums import Role
from appui.audit.enums import AuditAction
from appui.audit.models import AuditEvent
from appui.rights.enums import CaseloadSource, CaseloadStatus, RightStatus
from appui.rights.models import CaseloadScreening, RightFollowUp, Screening
from tests.people.factories import HouseholdMemberFactory, PersonFactory

from .factories import CaseloadScreeningFactory, RightFollowUpFactory, ScreeningFactory
from .test_caseload import BAD, GOOD, csv_text

pytestmark = pytest.mark.django_db

# A single tenant without resources: everything answered, nothing assumed.
COMPLETE = {
    "adulte0_res_salaire": "0",
    "adulte0_res_chomage": "0",
    "adulte0_res_retraite": "0",
    "adulte0_res_pension_invalidite": "0",
    "adulte0_res_pension_alimentaire": "0",
    "adulte0_res_indemnites_journalieres": "0",
    "adulte0_disability": "aucun",
    "adulte0_ass_condition": "non",
    "rent": "500",
    "rfr": "0",
    "received_known": "non",
}


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def worker(structure, member_of):
    return member_of(structure, Role.TRAVAILLEUR_SOCIAL)


@pytest.fixture
def tenant(structure):
    """A single person without resources renting privately in Villeurbanne, job seeker per the record."""
    return PersonFactory(structure=structure, housing_status="locataire_prive", employment_status="sans_activite")


def test_the_form_asks_only_what_the_record_does_not_say(worker, client_for, tenant, structure):
    page = client_for(worker).get(reverse("web:rights_screening", args=[tenant.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert "adulte0_birth_date" not in form.fields and "housing_status" not in form.fields
    assert "commune_code" not in form.fields and "adulte0_activity" not in form.fields
    assert {"rent", "rfr", "adulte0_res_salaire", "adulte0_disability", "received_known"} <= set(form.fields)
    sparse = PersonFactory(
        structure=structure, birth_date=None, housing_status="", commune_code="", employment_status=""
    )
    form = client_for(worker).get(reverse("web:rights_screening", args=[sparse.pk])).context["form"]
    assert {"adulte0_birth_date", "housing_status", "commune_code", "adulte0_activity"} <= set(form.fields)
    assert "Année connue : 1980" in str(form["adulte0_birth_date"].help_text)


def test_the_form_asks_the_spouse_and_each_child_and_names_who_is_left_out(worker, client_for, tenant):
    HouseholdMemberFactory(household__person=tenant, relationship="conjoint", first_name="Karim")
    HouseholdMemberFactory(household=tenant.household, relationship="enfant", first_name="Lina")
    HouseholdMemberFactory(household=tenant.household, relationship="parent", first_name="Fatou")
    page = client_for(worker).get(reverse("web:rights_screening", args=[tenant.pk]))
    assert {"adulte1_res_salaire", "adulte1_activity", "enfant0_schooling"} <= set(page.context["form"].fields)
    assert "Fatou vit aussi dans le logement mais forme un autre foyer pour la CAF" in text(page)


def test_a_screening_is_saved_with_inputs_versions_and_legislation_then_shown_in_plain_french(
    worker, client_for, tenant, engine
):
    client = client_for(worker)
    response = client.post(reverse("web:rights_screening", args=[tenant.pk]), COMPLETE)
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:rights_screening_detail", args=[screening.pk])
    assert screening.answers["rent"] == 500.0 and screening.answers["benefits_received"] == {}
    assert screening.engine_versions == {"openfisca-core": "44.7.1", "openfisca-france": "176.1.8"}
    assert screening.legislation_date.day == 1 and screening.period == screening.legislation_date.strftime("%Y-%m")
    assert screening.situation["persons"][0]["activity"] == "inactif"
    assert AuditEvent.objects.filter(action=AuditAction.SCREENING_RUN, person_id=tenant.pk).count() == 1
    page = text(client.get(response["Location"]))
    assert "Droits probables : en tout, environ" in page and 'data-certainty="a_verifier"' not in page
    assert "573,49\xa0€ par mois" in page  # French format, and the frequency said
    assert "par an" in page and "Chèque énergie" in page  # a yearly amount shown as yearly
    assert "Toutes les informations nécessaires ont été données : aucune hypothèse." in page
    assert "Papiers à préparer" in page and "https://www.service-public.fr/particuliers/vosdroits/F19778" in page
    assert "Données utilisées pour le calcul" in page
    assert "Logement : locataire (vide), loyer 500,00 € par mois, commune 69266." in page
    assert "Personne : né·e le 17/05/1980, sans activité, aucune ressource." in page
    assert set(RightFollowUp.objects.values_list("benefit", flat=True)) >= {"rsa", "aide_logement", "css_gratuite"}


def test_missing_answers_produce_a_visible_list_of_assumptions(worker, client_for, tenant, engine):
    client = client_for(worker)
    response = client.post(reverse("web:rights_screening", args=[tenant.pk]), {"adulte0_disability": "aucun"})
    page = text(client.get(response["Location"]))
    assert "Hypothèses" in page
    for message in (
        "Ressources de la personne non renseignées : supposées nulles.",
        "Loyer non renseigné : aucune aide au logement n'est calculée.",
        "Prestations déjà perçues non renseignées : on suppose qu'aucune n'est perçue (hypothèse du non-recours).",
        "Revenu fiscal de référence de l'avis d'imposition non renseigné",
    ):
        assert message in page


def test_the_form_is_pre_filled_with_the_last_answers(worker, client_for, tenant, engine):
    client = client_for(worker)
    client.post(reverse("web:rights_screening", args=[tenant.pk]), {**COMPLETE, "adulte0_res_salaire": "321.5"})
    form = client.get(reverse("web:rights_screening", args=[tenant.pk])).context["form"]
    assert form["adulte0_res_salaire"].initial == Decimal("321.5") and form["rent"].initial == Decimal("500.0")
    assert form["received_known"].initial == "non"


def test_contradictory_answers_on_benefits_received_are_refused(worker, client_for, tenant):
    response = client_for(worker).post(
        reverse("web:rights_screening", args=[tenant.pk]), {**COMPLETE, "recu_rsa": "400"}
    )
    assert response.status_code == 200 and "aucune prestation" in text(response)
    assert not Screening.objects.exists()


def test_the_printable_summary_speaks_to_the_person_in_plain_words(worker, client_for, tenant, engine):
    client = client_for(worker)
    client.post(reverse("web:rights_screening", args=[tenant.pk]), COMPLETE)
    screening = Screening.objects.get()
    page = text(client.get(reverse("web:rights_screening_print", args=[screening.pk])))
    assert "Vos droits possibles" in page and f"Bonjour Élise {tenant.last_name.upper()}" in page
    assert "Environ <strong>573,49\xa0€ par mois</strong>" in page
    assert "Le RSA est une somme d'argent versée chaque mois" in page
    assert "data-appui-print" in page and "ce sont des estimations" in page


def test_a_right_is_followed_up_with_its_dates_and_the_euros_secured_are_counted(worker, client_for, tenant, engine):
    client = client_for(worker)
    client.post(reverse("web:rights_screening", args=[tenant.pk]), COMPLETE)
    screening = Screening.objects.get()
    rsa = RightFollowUp.objects.get(benefit="rsa")
    assert rsa.status == RightStatus.TO_CLAIM
    response = client.post(
        reverse("web:rights_follow_up_update", args=[rsa.pk]),
        {
            "rsa-status": "obtenu",
            "rsa-claimed_on": "2026-01-05",
            "rsa-granted_amount": "560",
            "screening": screening.pk,
        },
    )
    assert response["Location"] == reverse("web:rights_screening_detail", args=[screening.pk])
    rsa.refresh_from_db()
    assert rsa.status == RightStatus.GRANTED and rsa.claimed_on.isoformat() == "2026-01-05" and rsa.decided_on
    assert rsa.granted_amount == Decimal("560.00")
    event = AuditEvent.objects.get(action=AuditAction.RIGHT_STATUS_UPDATE)
    assert event.detail == {"benefit": "rsa", "from": "a_demander", "to": "obtenu", "reminder_on": None}
    overview = text(client.get(reverse("web:rights_caseload")))
    assert "560,00\xa0€ par mois</strong> obtenus pour 1 personne" in overview
    # Running the screening again keeps the follow-up.
    client.post(reverse("web:rights_screening_rerun", args=[screening.pk]))
    assert Screening.objects.count() == 2
    rsa.refresh_from_db()
    assert rsa.status == RightStatus.GRANTED and rsa.screening_id == Screening.objects.latest_first().first().pk


def test_a_follow_up_date_in_the_future_is_refused(worker, client_for):
    follow_up = RightFollowUpFactory(screening__person__structure=worker.structure)
    client_for(worker).post(
        reverse("web:rights_follow_up_update", args=[follow_up.pk]),
        {"rsa-status": "demande_en_cours", "rsa-claimed_on": "2099-01-01"},
    )
    follow_up.refresh_from_db()
    assert follow_up.status == RightStatus.TO_CLAIM


@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.DPO])
def test_roles_that_may_not_read_the_situation_get_403_here_and_404_elsewhere(
    role, structure, other_structure, member_of, client_for
):
    client = client_for(member_of(structure, role))
    screening = ScreeningFactory(person__structure=structure)
    follow_up = RightFollowUpFactory(screening=screening)
    job = CaseloadScreeningFactory(structure=structure)
    own = [
        ("get", reverse("web:rights_screening", args=[screening.person_id])),
        ("get", reverse("web:rights_screening_detail", args=[screening.pk])),
        ("get", reverse("web:rights_screening_print", args=[screening.pk])),
        ("post", reverse("web:rights_screening_rerun", args=[screening.pk])),
        ("post", reverse("web:rights_follow_up_update", args=[follow_up.pk])),
        ("get", reverse("web:rights_caseload")),
        ("get", reverse("web:rights_caseload_detail", args=[job.pk])),
        ("get", reverse("web:rights_caseload_progress", args=[job.pk])),
        ("get", reverse("web:rights_caseload_export_csv", args=[job.pk])),
        ("get", reverse("web:rights_caseload_export_xlsx", args=[job.pk])),
    ]
    for method, url in own:
        assert getattr(client, method)(url).status_code == 403, url
    foreign = ScreeningFactory(person__structure=other_structure)
    assert client.get(reverse("web:rights_screening", args=[foreign.person_id])).status_code == 404
    assert client.get(reverse("web:rights_screening_detail", args=[foreign.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.SCREENING_VIEW).exists()


def test_reading_a_screening_is_journaled(worker, client_for):
    screening = ScreeningFactory(person__structure=worker.structure)
    client_for(worker).get(reverse("web:rights_screening_detail", args=[screening.pk]))
    event = AuditEvent.objects.get(action=AuditAction.SCREENING_VIEW)
    assert event.person_id == screening.person_id and event.actor == worker.user


def test_a_caseload_file_is_screened_in_the_background_then_shown_sorted_with_line_errors(
    worker, client_for, inline_jobs, engine
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(worker)
    upload = SimpleUploadedFile("foyers.csv", csv_text(GOOD + BAD).encode(), content_type="text/csv")
    response = client.post(reverse("web:rights_caseload"), {"source": CaseloadSource.CSV, "file": upload})
    job = CaseloadScreening.objects.get()
    assert response["Location"] == reverse("web:rights_caseload_detail", args=[job.pk])
    page = text(client.get(response["Location"]))
    assert "Repérage terminé" in page and "8 foyers examinés" in page and "3 avec des droits non demandés" in page
    assert "1 foyer n'a pas pu être évalué (informations à compléter). Il manque les ressources pour 1 foyer." in page
    assert "Lignes en erreur (3)" in page and "n'est pas une date" in page
    ranks = [int(rank) for rank in re.findall(r"<tr[^>]*>\s*<td>(\d+)</td>", page)]
    assert ranks == [1, 2, 3, 7, 8, 9]  # the households assessed by rank, then the lines in error
    assert re.search(r'<tr data-certainty="a_completer">\s*<td>A4 .*?</td>\s*<td>ressources de la personne</td>', page)
    csv_export = client.get(reverse("web:rights_caseload_export_csv", args=[job.pk]))
    assert csv_export["Content-Type"].startswith("text/csv") and csv_export.content.decode().startswith("\ufeffRang;")
    xlsx = client.get(reverse("web:rights_caseload_export_xlsx", args=[job.pk]))
    assert xlsx.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_a_wrong_file_is_refused_at_once_in_french(worker, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("foyers.csv", b"nom;prenom\nA;B\n", content_type="text/csv")
    response = client_for(worker).post(reverse("web:rights_caseload"), {"source": CaseloadSource.CSV, "file": upload})
    assert response.status_code == 200 and "Colonne(s) obligatoire(s) absente(s)" in text(response)
    assert not CaseloadScreening.objects.exists()


def _progress_block(page: str, fragment: str) -> str:
    """Return the block of the page that the fragment replaces (it starts the same way and is as long)."""
    start = page.index('<div id="progression-reperage"')
    return page[start : start + len(fragment.strip())]


def test_the_live_progress_fragment_is_the_page_block_and_is_accessible(worker, client_for):
    job = CaseloadScreeningFactory(
        structure=worker.structure, status=CaseloadStatus.RUNNING, total=10_000, processed=3_000
    )
    client = client_for(worker)
    page = client.get(reverse("web:rights_caseload_detail", args=[job.pk])).content.decode()
    fragment = client.get(reverse("web:rights_caseload_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in fragment
    block = _progress_block(page, fragment.content.decode())
    assert fragment.content.decode().strip() == block
    assert 'hx-trigger="every 1s"' in block and 'value="30"' in block
    assert 'aria-labelledby="libelle-progression"' in block and "3000 foyers sur 10000 (30 %)" in html.unescape(block)
    job.status, job.processed = CaseloadStatus.DONE, 10_000
    job.save()
    done = client.get(reverse("web:rights_caseload_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and "hx-trigger" not in done.content.decode()


def test_the_template_csv_can_be_downloaded(worker, client_for):
    response = client_for(worker).get(reverse("web:rights_caseload_template"))
    assert response["Content-Disposition"] == 'attachment; filename="reperage-modele.csv"'
    assert response.content.decode().startswith("reference;date_naissance;")


def test_answers_results_and_uploaded_files_are_encrypted_at_rest(worker, client_for, tenant, engine):
    from django.db import connection

    from appui.rights import services

    client_for(worker).post(reverse("web:rights_screening", args=[tenant.pk]), COMPLETE)
    services.caseload_screening_create(
        membership=worker, source=CaseloadSource.CSV, csv_text=csv_text(GOOD), start=False
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers, situation, results FROM rights_screening")
        stored = cursor.fetchone()
        cursor.execute("SELECT entries FROM rights_caseloadchunk")
        stored += cursor.fetchone()
    assert all(value.startswith("enc2:") for value in stored)
    assert "1985" not in "".join(stored) and "locataire" not in "".join(stored)
