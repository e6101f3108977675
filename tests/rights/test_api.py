"""Rights API: one situation in JSON, answered in JSON; a caseload screening launched and read."""

import pytest
from django.test import Client

from appui.accounts.enums import Role
from appui.accounts.services import api_token_create
from appui.rights.models import CaseloadScreening

from .factories import CaseloadResultFactory, CaseloadScreeningFactory
from .test_caseload import BAD, GOOD, csv_text

pytestmark = pytest.mark.django_db

SINGLE_TENANT = {
    "period": "2026-11",
    "adults": [
        {
            "birth_date": "1985-01-01",
            "activity": "inactif",
            "resources": {},
            "disability": "aucun",
            "ass_condition": False,
        }
    ],
    "housing_status": "locataire_prive",
    "rent": 500,
    "commune_code": "69266",
    "rfr": 0,
    "benefits_received": {},
}


def api_for(membership):
    _, raw = api_token_create(membership=membership, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Token {raw}")


@pytest.fixture
def api(structure, member_of):
    return api_for(member_of(structure, Role.TRAVAILLEUR_SOCIAL))


def test_one_situation_in_json_gives_the_rights_amounts_and_no_assumption(api, engine):
    response = api.post("/api/v1/rights/screenings/", SINGLE_TENANT, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    rights = {r["benefit"]: r for r in body["rights"]}
    assert rights["rsa"]["amount"] == 573.49 and rights["rsa"]["frequency"] == "mensuel"
    assert rights["rsa"]["paying_body"] == "CAF (ou MSA)" and rights["rsa"]["documents"]
    assert rights["cheque_energie"]["frequency"] == "annuel"
    assert rights["css_gratuite"]["amount"] is None
    assert body["assumptions"] == [] and body["period"] == "2026-11"
    assert body["engine_versions"]["openfisca-france"] == "176.1.8"


def test_what_the_json_leaves_out_is_listed_as_assumptions(api, engine):
    response = api.post(
        "/api/v1/rights/screenings/",
        {"period": "2026-11", "adults": [{"birth_date": "1990-06-15"}], "housing_status": "sans_domicile"},
        content_type="application/json",
    )
    body = response.json()
    assert [a["code"] for a in body["assumptions"]] == [
        "benefits_received",
        "activity",
        "resources",
        "disability",
        "commune",
        "rfr",
    ]
    assert {r["benefit"]: r["amount"] for r in body["rights"]}["rsa"] == 651.69


def test_wrong_json_is_refused_whole_with_french_messages(api):
    response = api.post(
        "/api/v1/rights/screenings/",
        {"adults": [], "commune_code": "99999", "benefits_received": {"loto": 3}},
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert "adults" in errors and "n'est pas un code commune INSEE connu" in errors["commune_code"][0]
    assert "Codes de prestation inconnus : loto." in errors["benefits_received"][0]


@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.DPO])
def test_roles_that_may_not_read_the_situation_are_refused(role, structure, member_of):
    client = api_for(member_of(structure, role))
    job = CaseloadScreeningFactory(structure=structure)
    assert client.post("/api/v1/rights/screenings/", SINGLE_TENANT, content_type="application/json").status_code == 403
    assert client.post("/api/v1/rights/caseload-screenings/", {"source": "structure"}).status_code == 403
    assert client.get(f"/api/v1/rights/caseload-screenings/{job.pk}/").status_code == 403


def test_a_caseload_is_launched_then_read_with_its_ranked_results_and_line_errors(api, inline_jobs, engine):
    response = api.post(
        "/api/v1/rights/caseload-screenings/",
        {"source": "fichier", "csv": csv_text(GOOD + BAD), "filename": "foyers.csv"},
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    launched = response.json()
    assert launched["status"] == "en_attente" and launched["url"].endswith(f"/caseload-screenings/{launched['id']}/")
    job = api.get(launched["url"]).json()
    assert job["status"] == "terminee" and job["progress_percent"] == 100
    # A4 left its resources blank: it is not assessed but listed apart, with what is missing.
    assert (job["total"], job["with_rights"], job["to_complete"], job["error_count"]) == (8, 3, 1, 3)
    assert job["to_complete_reasons"] == {"resources": 1}
    assert [e["line"] for e in job["errors"]] == [7, 8, 9]
    results = api.get(job["results_url"]).json()
    assert results["count"] == 4
    assessed = [r for r in results["results"] if r["certainty"] != "a_completer"]
    # Probable households first, then those à vérifier, each by monthly amount.
    ranks = [(r["certainty"] != "probable", -r["unclaimed_monthly_total"]) for r in assessed]
    assert ranks == sorted(ranks)
    last = results["results"][-1]
    assert last["reference"] == "A4" and last["certainty"] == "a_completer"
    assert last["missing"] == ["ressources de la personne"] and last["rights"] == {}
    assert last["unclaimed_monthly_total"] == 0
    assert CaseloadScreening.objects.get().source_csv == ""


def test_a_caseload_with_a_wrong_file_is_refused_at_once(api):
    response = api.post(
        "/api/v1/rights/caseload-screenings/",
        {"source": "fichier", "csv": "a;b\n1;2\n"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "Colonne(s) obligatoire(s)" in response.json()["file"][0]


def test_another_structures_caseload_answers_404(api, other_structure):
    job = CaseloadScreeningFactory(structure=other_structure)
    CaseloadResultFactory(job=job)
    assert api.get(f"/api/v1/rights/caseload-screenings/{job.pk}/").status_code == 404
    assert api.get(f"/api/v1/rights/caseload-screenings/{job.pk}/results/").status_code == 404
