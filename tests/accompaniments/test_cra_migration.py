"""The migration to the activity report's fields keeps everything that was recorded."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accompaniments", "0003_encrypt_sensitive_fields")]
requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL seulement : sur SQLite, le journal d'audit refuse que la base soit vidée après le test",
)


def _state(executor, targets):
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


# Going back and forth between migrations needs a transactional test, whose database is emptied afterwards: on
# SQLite that emptying is a DELETE the audit journal's triggers refuse (PostgreSQL truncates). The migration
# itself only uses the ORM, the same on both.
@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_places_participants_and_first_activities_are_migrated():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        # Every other app stays as it is now; accompaniments goes back to before the activity report's fields.
        # (The statistics' roll-ups, built from the activity report's fields, go back to before them too.)
        # People goes back to before its situation was encrypted: the migration reads it in clear, before that.
        others = [node for node in latest if node[0] not in {"accompaniments", "reporting", "people"}]
        apps = _state(
            executor, [*others, ("reporting", "0001_initial"), ("people", "0011_encrypt_bound_to_row"), *BEFORE]
        )
        Structure = apps.get_model("accounts", "Structure")
        Person = apps.get_model("people", "Person")
        User = apps.get_model("accounts", "User")
        Accompaniment = apps.get_model("accompaniments", "Accompaniment")
        structure = Structure.objects.create(name="CCAS", type="ccas", commune_code="69266", address="1 place")
        author = User.objects.create(email="a@example.org", first_name="A", last_name="B")
        named = Person.objects.create(
            structure=structure, file_number="1", last_name="Durand", informed_at=datetime.date(2026, 1, 1),
            birth_date=datetime.date(1990, 6, 1), employment_status="demandeur_emploi", commune_code="69123",
        )  # fmt: skip
        anonymous = Person.objects.create(structure=structure, file_number="2", is_anonymous=True, age_band="70+")

        def make(person, day, place, kind="individuel", participants=1):
            return Accompaniment.objects.create(
                structure=structure, person=person, author=author, date=datetime.date(2026, 3, day),
                duration_minutes=30, place=place, kind=kind, participants=participants, themes=["papiers"],
                mode="fait_avec", notes="note",
            )  # fmt: skip

        on_site = make(named, 10, "sur_place")
        phone = make(named, 2, "telephone")
        video = make(anonymous, 3, "visio")
        home = make(named, 4, "domicile")
        outside = make(anonymous, 5, "hors_les_murs")
        workshop = make(named, 6, "sur_place", kind="collectif", participants=6)

        apps = _state(executor, latest)
        Accompaniment = apps.get_model("accompaniments", "Accompaniment")
        Participation = apps.get_model("accompaniments", "Participation")
        Place = apps.get_model("places", "Place")
        place = Place.objects.get(structure_id=structure.pk)
        assert (place.name, place.address, place.commune_code) == ("CCAS", "1 place", "69266")
        get = Accompaniment.objects.get
        assert (get(pk=on_site.pk).place_kind, get(pk=on_site.pk).place_id) == ("lieu_activite", place.pk)
        assert (get(pk=phone.pk).place_kind, get(pk=phone.pk).remote_channel) == ("a_distance", "telephone")
        assert (get(pk=video.pk).place_kind, get(pk=video.pk).remote_channel) == ("a_distance", "visio")
        assert (get(pk=home.pk).place_kind, get(pk=home.pk).place_commune_code) == ("domicile", "69123")
        assert get(pk=outside.pk).place_kind == "autre"
        assert get(pk=on_site.pk).notes == "note"  # encrypted notes are untouched
        # One participation per beneficiary; a workshop keeps its followed person and its 5 others.
        assert Participation.objects.count() == 5 + 6
        converted = get(pk=workshop.pk)
        assert converted.person_id is None and converted.participants == 6
        followed = Participation.objects.get(accompaniment_id=workshop.pk, person__isnull=False)
        assert followed.person_id == named.pk
        assert Participation.objects.filter(accompaniment_id=workshop.pk, person__isnull=True).count() == 5
        # The named person's categories at each date; the first activity is the earliest (2 March).
        mine = Participation.objects.filter(person_id=named.pk)
        assert {(p.age_band, p.social_status, p.commune_code, p.followed) for p in mine} == {
            ("25-39", "sans_emploi", "69123", True)
        }
        assert list(mine.filter(is_first=True).values_list("accompaniment_id", flat=True)) == [phone.pk]
        theirs = Participation.objects.get(accompaniment_id=video.pk)
        assert (theirs.age_band, theirs.followed, theirs.is_first) == ("70+", False, True)
    finally:
        _state(executor, latest)
