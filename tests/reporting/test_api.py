"""GET /api/v1/statistics/: the Coop's statistics shape, checked by its JSON Schema and against the ledger."""

import jsonschema
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from appui.accounts.services import api_token_create
from appui.reporting.coop import json_schema

from .dataset import START, TODAY, build


@pytest.fixture
def dataset(db):
    return build()


def _client(membership) -> APIClient:
    _, raw = api_token_create(membership=membership, name="stats")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def _get(client, **params):
    return client.get(reverse("api:statistics"), {"du": START.isoformat(), "au": TODAY.isoformat(), **params})


@pytest.mark.django_db
def test_statistics_validate_against_the_coop_schema_and_match_the_ledger(dataset):
    response = _get(_client(dataset.members["mA"]))
    assert response.status_code == 200
    document = response.json()
    jsonschema.validate(document, json_schema())
    attributes = document["data"]["attributes"]
    chosen = [e for e in dataset.ledger if e.structure == "A" and START <= e.date <= TODAY]
    accompaniments = sum(len(e.beneficiaries) for e in chosen)
    totals = attributes["totaux"]
    assert totals["activites"]["total"] == len(chosen)
    assert totals["activites"]["collectifs"]["participants"] == sum(
        len(e.beneficiaries) for e in chosen if e.kind == "collectif"
    )
    assert totals["accompagnements"]["total"] == attributes["activites"]["total"] == accompaniments
    assert sum(item["count"] for item in attributes["accompagnements_par_jour"]) == accompaniments
    assert len(attributes["accompagnements_par_jour"]) == (TODAY - START).days + 1
    assert attributes["accompagnements_par_jour"][-1]["label"] == f"{TODAY:%d/%m}"
    genres = {item["value"]: item["count"] for item in attributes["beneficiaires"]["genres"]}
    assert sum(genres.values()) == attributes["beneficiaires"]["total"] == totals["beneficiaires"]["total"]
    # The Coop's "aide aux démarches" theme counts the accompaniments with an administrative theme.
    themes = {item["value"]: item["count"] for item in attributes["activites"]["thematiques"]}
    admin = {"papiers", "logement", "argent", "travail"}
    assert themes["AideAuxDemarchesAdministratives"] == sum(
        len(e.beneficiaries) for e in chosen if set(e.themes) & admin
    )
    appui = document["meta"]["appui"]
    assert appui["droits"]["euros_par_mois_obtenus"] == "200.00"
    assert document["meta"]["du"] == START.isoformat()


@pytest.mark.django_db
def test_a_member_gets_their_own_figures(dataset):
    document = _get(_client(dataset.members["mA2"])).json()
    jsonschema.validate(document, json_schema())
    own = [e for e in dataset.ledger if e.author == "mA2" and START <= e.date <= TODAY]
    assert document["data"]["attributes"]["totaux"]["activites"]["total"] == len(own)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [({"du": "2026-13-01"}, "du"), ({"au": "hier"}, "au"), ({"du": "2026-03-02", "au": "2026-03-01"}, "au"),
     ({"du": "2020-01-01", "au": "2026-01-01"}, "au")],
)  # fmt: skip
def test_an_invalid_period_is_refused_in_french(dataset, params, field):
    response = _client(dataset.members["mA"]).get(reverse("api:statistics"), params)
    assert response.status_code == 400 and field in response.json()


@pytest.mark.django_db
def test_the_default_period_is_the_current_month(dataset):
    document = _client(dataset.members["mA"]).get(reverse("api:statistics")).json()
    assert document["meta"]["du"] == TODAY.replace(day=1).isoformat()


def test_the_openapi_document_describes_the_statistics_shape():
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    operation = document["paths"]["/api/v1/statistics/"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    attributes = schema["properties"]["data"]["properties"]["attributes"]
    assert set(attributes["required"]) == {
        "accompagnements_par_jour", "accompagnements_par_mois", "beneficiaires", "activites", "totaux",
    }  # fmt: skip
    assert "400" in operation["responses"]
    assert {p["name"] for p in operation["parameters"]} >= {"du", "au"}


def test_the_schema_refuses_a_value_outside_the_coop_enumerations():
    schema = json_schema()
    item = {"value": "Homme", "label": "Homme", "count": 1, "proportion": 100.0}
    beneficiaires = schema["$defs"]["Beneficiaires"]["properties"]["genres"]
    validator = jsonschema.Draft202012Validator({**beneficiaires, "$defs": schema["$defs"]})
    assert not validator.is_valid([item, item, item])
    good = [{"value": v, "label": v, "count": 0, "proportion": 0} for v in ("Masculin", "Feminin", "NonCommunique")]
    assert validator.is_valid(good)
