"""The migration to row-bound encryption: first-form values, clear values and lookalikes all end up bound."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from appui.core import crypto

BEFORE = [
    ("people", "0010_person_gender_social_status"),
    ("accompaniments", "0007_participation_structure_date"),
]
BOUND = {"people", "accompaniments", "orientations", "documents", "rights", "diagnostics", "mandates", "service_alerts"}
requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL seulement : sur SQLite, le journal d'audit refuse que la base soit vidée après le test",
)


def _state(executor, targets):
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _set(table, column, pk, value):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_first_form_and_clear_values_are_bound_to_their_row_and_can_go_back():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    crypto.reset_keyring()
    try:
        # The apps whose values get bound go back to before it (the others depend on none of these migrations).
        others = [node for node in latest if node[0] not in BOUND]
        before = [*others, *BEFORE, ("orientations", "0001_initial"), ("documents", "0001_initial")]
        before.append(("rights", "0003_rightfollowup_found_at"))
        before += [
            ("diagnostics", "0002_diagnostic_overall_score_alter_diagnostic_level"),
            ("mandates", "0001_initial"),
        ]
        before.append(("service_alerts", "0001_initial"))
        apps = _state(executor, before)
        Structure = apps.get_model("accounts", "Structure")
        Person = apps.get_model("people", "Person")
        User = apps.get_model("accounts", "User")
        Accompaniment = apps.get_model("accompaniments", "Accompaniment")
        structure = Structure.objects.create(name="CCAS", type="ccas", commune_code="69266", address="1 place")
        author = User.objects.create(email="a@example.org", first_name="A", last_name="B")

        def person(number, details):
            made = Person.objects.create(
                structure=structure, file_number=number, last_name="Durand", informed_at=datetime.date(2026, 1, 1),
                situation_details=details, obstacles=["handicap"],
            )  # fmt: skip
            return made.pk

        # Written by the first form's code (the model state before the migration writes it).
        first_form = person("1", "suivi CAF en cours")
        typed = person("2", "")
        clear = person("3", "")
        # The first form let through a note typed like a ciphertext, and older rows were written in clear.
        _set("people_person", "situation_details", typed, "enc1: rappeler lundi")
        _set("people_person", "situation_details", clear, "écrit avant le chiffrement")
        assert _raw("people_person", "situation_details", first_form).startswith("enc1:test1:")
        # Columns in clear until now: the situation, the household, the diagnostic answers.
        Person.objects.filter(pk=clear).update(family_situation="en_couple", housing_status="locataire_hlm")
        Household = apps.get_model("people", "Household")
        HouseholdMember = apps.get_model("people", "HouseholdMember")
        child = HouseholdMember.objects.create(
            household=Household.objects.create(person_id=clear), relationship="enfant", first_name="Inès",
            last_name="Durand", birth_date=datetime.date(2012, 2, 29),
        )  # fmt: skip
        Diagnostic = apps.get_model("diagnostics", "Diagnostic")
        diagnostic = Diagnostic.objects.create(
            structure=structure, person_id=clear, author=author, mode="accompagnant", bank_version="2025-01",
            answers={"q1": "2", "obstacle_handicap": "oui"}, level="", recommendation="aucune",
        )  # fmt: skip
        note = Accompaniment.objects.create(
            structure=structure, person_id=first_form, author=author, date=datetime.date(2026, 3, 2),
            duration_minutes=30, place_kind="a_distance", remote_channel="telephone", themes=["papiers"],
            mode="fait_avec", notes="appeler la CAF",
        )  # fmt: skip

        apps = _state(executor, latest)
        Person = apps.get_model("people", "Person")
        Accompaniment = apps.get_model("accompaniments", "Accompaniment")
        read = {pk: Person.objects.get(pk=pk).situation_details for pk in (first_form, typed, clear)}
        assert read == {
            first_form: "suivi CAF en cours",
            typed: "enc1: rappeler lundi",
            clear: "écrit avant le chiffrement",
        }
        assert Person.objects.get(pk=clear).obstacles == ["handicap"]
        assert Accompaniment.objects.get(pk=note.pk).notes == "appeler la CAF"
        situation = Person.objects.get(pk=clear)
        assert (situation.family_situation, situation.housing_status) == ("en_couple", "locataire_hlm")
        member = apps.get_model("people", "HouseholdMember").objects.get(pk=child.pk)
        assert (member.first_name, member.birth_date) == ("Inès", datetime.date(2012, 2, 29))
        answers = apps.get_model("diagnostics", "Diagnostic").objects.get(pk=diagnostic.pk).answers
        assert answers == {"q1": "2", "obstacle_handicap": "oui"}
        assert _raw("people_householdmember", "birth_date", child.pk).startswith("enc2:")
        assert _raw("diagnostics_diagnostic", "answers", diagnostic.pk).startswith("enc2:")
        for pk in (first_form, typed, clear):
            assert _raw("people_person", "situation_details", pk).startswith("enc2:test1:")
        assert len({Person.objects.get(pk=pk).row_uid for pk in (first_form, typed, clear)}) == 3
        # Now bound to its row: copied to another row, a value no longer reads.
        _set("people_person", "situation_details", typed, _raw("people_person", "situation_details", first_form))
        with pytest.raises(crypto.DecryptionError):
            Person.objects.get(pk=typed).situation_details  # noqa: B018
        _set("people_person", "situation_details", typed, "")

        # Back to the first form: the code of that time reads every value again.
        apps = _state(executor, before)
        assert (
            crypto.legacy_unseal(
                _raw("people_person", "situation_details", first_form), context="people.Person.situation_details"
            )
            == "suivi CAF en cours"
        )
        assert apps.get_model("accompaniments", "Accompaniment").objects.get(pk=note.pk).notes == "appeler la CAF"
        member = apps.get_model("people", "HouseholdMember").objects.get(pk=child.pk)
        assert (member.first_name, member.birth_date) == ("Inès", datetime.date(2012, 2, 29))
        answers = apps.get_model("diagnostics", "Diagnostic").objects.get(pk=diagnostic.pk).answers
        assert answers == {"q1": "2", "obstacle_handicap": "oui"}
    finally:
        _state(executor, latest)
