"""The directory: proximity on the COG (commune → EPCI → département), distance, filters, "open now",
visibility of structures' places, and the pages."""

import datetime

import pytest
from django.utils import timezone

from appui.core.communes import get_commune
from appui.places.selectors import DirectoryQuery, directory_search
from tests.conftest import logged_in_client

from .factories import OwnPlaceFactory, PlaceFactory

pytestmark = pytest.mark.django_db

VILLEURBANNE, LYON, VAULX, VILLEFRANCHE, THIZY = "69266", "69123", "69256", "69264", "69248"


@pytest.fixture
def rhone():
    """Places in the Métropole de Lyon (Villeurbanne, Lyon 3e) and in Villefranche (another EPCI)."""
    return {
        "villeurbanne_near": PlaceFactory(name="Espace A", commune_code=VILLEURBANNE, latitude=45.770, longitude=4.880),
        "villeurbanne_far": PlaceFactory(name="Espace B", commune_code=VILLEURBANNE, latitude=45.760, longitude=4.900),
        "lyon": PlaceFactory(
            name="Espace C", commune_code="69383", postal_code="69003", latitude=45.760, longitude=4.850
        ),
        "villefranche": PlaceFactory(name="Espace D", commune_code=VILLEFRANCHE, postal_code="69400"),
    }


def search(member, **kwargs):
    commune = kwargs.pop("commune", None)
    return directory_search(member, DirectoryQuery(commune=get_commune(commune) if commune else None, **kwargs))


def names(result):
    return [hit.place.name for hit in result.hits]


def test_a_commune_with_places_shows_its_own_first(rhone, structure, member_of):
    result = search(member_of(structure), commune=VILLEURBANNE)
    assert result.scope == "commune" and not result.widened
    assert set(names(result)) == {"Espace A", "Espace B"}
    assert result.counts == {"commune": 2, "epci": 3, "departement": 4}


def test_a_commune_without_place_finds_its_epci_then_its_departement(rhone, structure, member_of):
    member = member_of(structure)
    in_metropole = search(member, commune=VAULX)
    assert (in_metropole.scope, in_metropole.widened) == ("epci", True)
    assert in_metropole.epci.name == "Métropole de Lyon"
    assert set(names(in_metropole)) == {"Espace A", "Espace B", "Espace C"}
    far = search(member, commune=THIZY)  # its EPCI (Ouest Rhodanien) has no place either
    assert (far.scope, far.widened) == ("departement", True)
    assert set(names(far)) == {"Espace A", "Espace B", "Espace C", "Espace D"}


def test_the_member_may_widen_or_narrow_by_hand(rhone, structure, member_of):
    result = search(member_of(structure), commune=VILLEURBANNE, scope="departement")
    assert result.scope == "departement" and len(result.hits) == 4
    # Sorted from the centre of Villeurbanne's places: a place of Villeurbanne comes first.
    assert result.hits[0].ring == "commune" and {hit.ring for hit in result.hits} == {"commune", "epci", "departement"}


def test_results_are_sorted_by_distance_when_coordinates_are_known(rhone, structure, member_of):
    member = member_of(structure)
    around = search(member, commune=VILLEURBANNE, scope="epci", latitude=45.771, longitude=4.879)
    assert names(around)[:3] == ["Espace A", "Espace B", "Espace C"] or names(around)[:3] == [
        "Espace A",
        "Espace C",
        "Espace B",
    ]
    assert around.hits[0].distance_km < 0.5 and around.reference_is_position
    from_lyon = search(member, commune=VILLEURBANNE, scope="epci", latitude=45.760, longitude=4.851)
    assert names(from_lyon)[0] == "Espace C"
    distances = [hit.distance_km for hit in from_lyon.hits if hit.distance_km is not None]
    assert distances == sorted(distances)


def test_filters_combine_facets_and_words(structure, member_of):
    PlaceFactory(name="Atelier seniors", services=["maitrise-outils-numeriques"], publics=["seniors"], fees=["gratuit"])
    PlaceFactory(name="Aide CAF", services=["aide-demarches-administratives"], fees=["payant"])
    member = member_of(structure)
    assert names(search(member, commune=VILLEURBANNE, filters={"publics": ["seniors"]})) == ["Atelier seniors"]
    assert names(search(member, commune=VILLEURBANNE, filters={"fees": ["payant", "gratuit"]})) == [
        "Aide CAF",
        "Atelier seniors",
    ]
    assert names(search(member, commune=VILLEURBANNE, text="caf")) == ["Aide CAF"]
    assert names(search(member, filters={"themes": ["numerique"]}, text="atelier")) == ["Atelier seniors"]


def test_open_now_evaluates_hours_in_paris_time_with_public_holidays(structure, member_of):
    PlaceFactory(name="Matin", opening_hours="Mo-Fr 09:00-12:00; PH off")
    PlaceFactory(name="Après-midi", opening_hours="Mo-Fr 14:00-18:00")
    PlaceFactory(name="Sans horaires")
    member = member_of(structure)
    monday_10h = timezone.make_aware(datetime.datetime(2026, 11, 30, 10, 0))
    query = DirectoryQuery(commune=get_commune(VILLEURBANNE), open_now=True)
    assert names(directory_search(member, query, now=monday_10h)) == ["Matin"]
    assert names(directory_search(member, query, now=monday_10h.replace(hour=15))) == ["Après-midi"]
    christmas = timezone.make_aware(datetime.datetime(2026, 12, 25, 10, 0))  # a Friday, a public holiday
    assert names(directory_search(member, query, now=christmas)) == []


def test_structures_places_published_are_in_everyones_directory_unpublished_only_in_their_own(
    structure, other_structure, member_of
):
    OwnPlaceFactory(structure=other_structure, name="Publié par B")
    OwnPlaceFactory(structure=other_structure, name="Interne à B", is_published=False)
    OwnPlaceFactory(structure=structure, name="Interne à A", is_published=False)
    PlaceFactory(name="Fermé").__class__.objects.filter(name="Fermé").update(closed_at=timezone.now())
    assert names(search(member_of(structure), commune=VILLEURBANNE)) == ["Interne à A", "Publié par B"]
    assert names(search(member_of(other_structure), commune=VILLEURBANNE)) == ["Interne à B", "Publié par B"]


def test_directory_page_widens_and_says_so(rhone, structure, member_of):
    client = logged_in_client(member_of(structure))
    response = client.get("/annuaire/", {"commune": "Vaulx-en-Velin"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Aucun lieu à Vaulx-en-Velin" in text and "Métropole de Lyon" in text
    assert "Espace A" in text and "Espace D" not in text


def test_directory_page_opens_near_the_structure_and_refuses_an_ambiguous_commune(rhone, structure, member_of):
    client = logged_in_client(member_of(structure))
    text = client.get("/annuaire/").content.decode()
    assert "Espace A" in text and 'value="Villeurbanne (69) · 69100"' in text  # the structure's commune
    text = client.get("/annuaire/", {"commune": "Saint-Denis"}).content.decode()
    assert "Plusieurs communes correspondent" in text and "Saint-Denis (93)" in text


def test_place_page_shows_hours_contact_and_how_to_be_received(structure, member_of):
    place = PlaceFactory(
        name="Médiathèque",
        phone="+33472000000",
        opening_hours="Mo-Fr 09:00-12:00",
        access_modes=["telephoner"],
        appointment_url="https://rdv.example.org/",
    )
    text = logged_in_client(member_of(structure)).get(f"/annuaire/{place.pk}/").content.decode()
    assert "04 72 00 00 00" in text and "9 h – 12 h" in text
    assert "Téléphoner" in text and "https://rdv.example.org/" in text


def test_commune_suggestions_answer_the_widget(structure, member_of):
    client = logged_in_client(member_of(structure))
    results = client.get("/communes/suggestions/", {"q": "villeurb"}).json()["results"]
    assert results[0] == {"code": "69266", "label": "Villeurbanne (69) · 69100", "name": "Villeurbanne"}
    assert client.get("/communes/suggestions/", {"q": "v"}).json()["results"] == []


def test_a_search_across_france_counts_up_to_a_bound_and_says_more(structure, member_of, monkeypatch):
    monkeypatch.setattr("appui.places.selectors.FRANCE_COUNT_CAP", 3)
    for index in range(5):
        PlaceFactory(name=f"Médiathèque {index}", commune_code=VILLEURBANNE)
    PlaceFactory(name="Maison France services", commune_code=VILLEURBANNE)
    member = member_of(structure)
    capped = search(member, text="mediatheque")
    assert capped.count_capped and capped.page.paginator.count == 3
    assert names(capped) == ["Médiathèque 0", "Médiathèque 1", "Médiathèque 2"]
    exact = search(member, text="france")
    assert not exact.count_capped and names(exact) == ["Maison France services"]
    text = (
        logged_in_client(member)
        .get("/annuaire/", {"commune": "", "commune_code": "", "q": "mediatheque"})
        .content.decode()
    )
    assert "Plus de 3 lieux" in text
    from tests.api.test_places_referrals_api import api_client

    body = api_client(member).get("/api/v1/places/", {"q": "mediatheque"}).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    body = api_client(member).get("/api/v1/places/", {"q": "france"}).json()
    assert (body["count"], body["count_capped"]) == (1, False)


def test_chosen_filters_stay_checked_and_a_bad_value_is_explained(rhone, structure, member_of):
    client = logged_in_client(member_of(structure))
    text = client.get("/annuaire/", {"commune": "Villeurbanne", "fees": "gratuit", "publics": "seniors"}).content
    page = text.decode()
    assert 'name="fees" value="gratuit" id="id_fees_0" checked' in page
    assert 'name="fees" value="payant" id="id_fees_2">' in page
    assert 'value="seniors" id="id_publics_3" checked' in page
    assert "Filtres (2 choisis)" in page
    wrong = client.get("/annuaire/", {"commune": "Villeurbanne", "fees": "cher"}).content.decode()
    assert "fr-fieldset--error" in wrong and "Sélectionnez un choix valide" in wrong
