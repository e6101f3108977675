"""Publishing: lieux v1 CSV and data·inclusion JSON pass the official validators; lieux v1 round trips."""

import csv
import io
import json

import pytest
from data_inclusion.schema import v1
from django.utils import timezone

from appui.accounts.enums import Role
from appui.places.models import Place
from appui.places.publishing import inclusion_document, lieux_csv
from appui.places.services import place_create, place_service_save
from appui.places.standard import validate_file
from tests.conftest import logged_in_client

from .conftest import EXAMPLE_V1

pytestmark = pytest.mark.django_db


def test_round_trip_lieux_v1_import_export_is_valid_and_equal_field_by_field(import_file):
    import_file(EXAMPLE_V1, "exemple")
    exported = lieux_csv(Place.objects.filter(source="exemple")).encode()
    assert validate_file(exported) == []
    with EXAMPLE_V1.open(encoding="utf-8", newline="") as handle:
        original = list(csv.DictReader(handle))
    again = list(csv.DictReader(io.StringIO(exported.decode())))
    assert len(original) == len(again) == 1
    for column, value in original[0].items():
        assert again[0][column] == value, column


def test_round_trip_of_converted_files_stays_valid(import_file):
    from .conftest import HUB_DU_SUD

    import_file(HUB_DU_SUD, "hub")
    exported = lieux_csv(Place.objects.filter(source="hub")).encode()
    assert validate_file(exported) == []
    report = import_file(exported, "hub-again", filename="export.csv")
    assert report.rejected == 0 and report.repaired == 0  # what Appui writes needs no repair


@pytest.fixture
def manager(structure, member_of):
    return member_of(structure, Role.RESPONSABLE)


def _own_place(manager, **overrides):
    fields = {
        "name": "Espace numérique du centre social",
        "address": "2 rue Baudin",
        "commune_code": "69266",
        "phone": "04 78 00 00 00",
        "emails": ["accueil@example.org"],
        "opening_hours": "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
        "services": ["maitrise-outils-numeriques"],
        "publics": ["seniors"],
        "fees": ["gratuit"],
        "access_modes": ["se-presenter", "telephoner"],
        "typologies": ["CS"],
    }
    fields.update(overrides)
    return place_create(membership=manager, fields=fields)


def test_own_places_download_as_lieux_csv_valid_with_frictionless(manager):
    _own_place(manager)
    _own_place(manager, name="Permanence interne", is_published=False)
    client = logged_in_client(manager)
    response = client.get("/structure/lieux/lieux-mediation-numerique.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert validate_file(response.content) == []
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["nom"] for r in rows] == ["Espace numérique du centre social"]  # unpublished places stay home
    assert rows[0]["telephone"] == "+33478000000" and rows[0]["code_postal"] == "69100"


def test_own_places_download_as_data_inclusion_json_valid_with_the_official_models(manager):
    place = _own_place(manager)
    place_service_save(
        membership=manager,
        place=place,
        fields={
            "name": "Atelier tablette",
            "description": "Apprendre à se servir d'une tablette en six séances.",
            "type": "atelier",
            "thematiques": ["numerique--maitriser-les-fondamentaux-du-numerique"],
            "fees": "gratuit",
            "mobilisation_modes": ["telephoner"],
        },
    )
    client = logged_in_client(manager)
    document = json.loads(client.get("/structure/lieux/data-inclusion.json").content)
    assert len(document["structures"]) == 1 and len(document["services"]) == 1
    structure = v1.Structure.model_validate(document["structures"][0], context={"ignore_warnings": False})
    service = v1.Service.model_validate(document["services"][0], context={"ignore_warnings": False})
    assert service.structure_id == structure.id
    assert structure.date_maj == timezone.localdate()


def test_data_inclusion_round_trip_import_of_an_export(manager, import_file):
    place = _own_place(manager)
    place_service_save(
        membership=manager,
        place=place,
        fields={
            "name": "Atelier tablette",
            "description": "Apprendre à se servir d'une tablette.",
            "thematiques": ["numerique--maitriser-les-fondamentaux-du-numerique"],
            "publics": ["seniors"],
        },
    )
    payload = json.dumps(inclusion_document(Place.objects.filter(pk=place.pk))).encode()
    report = import_file(payload, "di", filename="di.json")
    assert (report.format, report.accepted, report.services, report.rejected) == ("data-inclusion", 1, 1, 0)
    copy = Place.objects.get(source="di")
    assert copy.name == place.name and copy.commune_code == "69266"
    assert copy.offered_services.get().thematiques == ["numerique--maitriser-les-fondamentaux-du-numerique"]
    assert "maitrise-outils-numeriques" in copy.services and "seniors" in copy.publics


def test_data_inclusion_rows_are_validated_by_the_package_and_rejected_in_french(import_file):
    payload = {
        "structures": [
            {"source": "dora", "id": "dora--1", "nom": "Ok", "date_maj": "2025-01-01"},
            {"source": "dora", "id": "dora--2", "nom": "Centre social", "date_maj": "2025-01-01", "courriel": "x"},
        ],
        "services": [
            {
                "source": "dora",
                "structure_id": "dora--9",
                "id": "s1",
                "nom": "Service",
                "description": "Une aide.",
                "date_maj": "2025-01-01",
            }
        ],
    }
    text = json.dumps(payload, indent=1)
    report = import_file(text.encode(), "di", filename="di.json")
    reasons = {r["id"]: r["reasons"] for r in report.rejects}
    assert any("nom" in reason and "trop court" in reason for reason in reasons["dora--1"])
    assert any("courriel" in reason for reason in reasons["dora--2"])
    assert any("n'est pas dans le fichier" in reason for reason in reasons["s1"])
    lines = text.splitlines()
    for reject in report.rejects:  # each line is where the rejected object opens in the file
        assert lines[reject["line"] - 1].strip() == "{"
        assert any(f'"{reject["id"]}"' in line for line in lines[reject["line"] : reject["line"] + 6])


def test_only_the_manager_describes_places(structure, member_of):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    client = logged_in_client(worker)
    assert client.get("/structure/lieux/nouveau/").status_code == 403
    assert client.get("/structure/lieux/").status_code == 200


def test_manager_creates_a_place_through_the_form_with_a_commune_typed_without_javascript(manager):
    client = logged_in_client(manager)
    response = client.post(
        "/structure/lieux/nouveau/",
        {
            "name": "Point numérique",
            "is_published": "on",
            "address": "5 place Lazare Goujon",
            "commune": "Villeurbanne",
            "commune_code": "",
            "opening_hours": "Mo-Fr 09h00-12h00",
            "services": ["aide-demarches-administratives"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    place = Place.objects.get(name="Point numérique")
    assert place.structure_id == manager.structure_id and place.commune_code == "69266"
    assert place.postal_code == "69100" and place.opening_hours == "Mo-Fr 09:00-12:00"


def test_invalid_own_place_is_refused_whole_with_french_messages(manager):
    client = logged_in_client(manager)
    response = client.post(
        "/structure/lieux/nouveau/",
        {"name": "Point", "address": "1 rue", "commune": "Saint-Denis", "opening_hours": "lundi matin"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Plusieurs communes correspondent" in text
    assert not Place.objects.filter(name="Point").exists()
