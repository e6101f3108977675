"""Import rules on messy rows: tolerant repairs, explicit rejections, loss-free, re-import by identifier."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from appui.places.models import Place
from appui.places.standard import v1_columns

pytestmark = pytest.mark.django_db


def v1_csv(*rows, columns=None):
    columns = columns or list(v1_columns())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode()


def row(**overrides):
    base = {
        "id": "lieu-1",
        "pivot": "43493312300029",
        "nom": "Espace numérique du centre",
        "commune": "Villeurbanne",
        "code_postal": "69100",
        "code_insee": "69266",
        "adresse": "2 rue Baudin",
        "date_maj": "2026-03-01",
        "services": "Aide aux démarches administratives",
    }
    base.update(overrides)
    return base


def test_messy_enumerations_are_read_and_counted_as_repairs(import_file):
    report = import_file(
        v1_csv(
            row(
                modalites_acces="Ce lieu n’accueille pas de public",  # typographic apostrophe
                formations_labels="Étapes numériques (La Poste)",  # the space the standard does not have
                frais_a_charge="gratuit;PAYANT",  # « ; » and case
                prise_en_charge_specifique="  Illettrisme |  Surdité ",
                telephone="04 72 00 00 00",
                code_insee="",  # derived from postal code and name
            )
        ),
        "messy",
    )
    assert (report.accepted, report.rejected) == (1, 0)
    place = Place.objects.get(source="messy")
    assert place.access_modes == ["pas-de-public"]
    assert place.training_labels == ["etapes-numeriques"]
    assert place.fees == ["gratuit", "payant"]
    assert place.specific_supports == ["illettrisme", "surdite"]
    assert place.phone == "+33472000000" and place.commune_code == "69266"
    assert report.repaired == 1
    assert set(report.repairs) >= {
        "valeur de liste réécrite (apostrophe, espace, casse ou parenthèse)",
        "séparateur « ; » remplacé par « | »",
        "téléphone mis au format international",
        "code INSEE déduit du code postal et du nom de la commune",
    }


def test_a_rejected_row_lists_its_line_and_all_its_reasons(import_file):
    report = import_file(
        v1_csv(row(), row(id="lieu-2", nom="", adresse="", code_postal="99999", commune="Nulle-Part", code_insee="")),
        "bad",
    )
    assert (report.accepted, report.rejected) == (1, 1)
    reject = report.rejects[0]
    assert reject["line"] == 3 and reject["id"] == "lieu-2"
    assert "nom du lieu manquant" in reject["reasons"]
    assert "adresse manquante" in reject["reasons"]
    assert any("Nulle-Part" in reason for reason in reject["reasons"])


def test_unknown_values_are_kept_on_the_place_and_reported_never_silently_dropped(import_file):
    report = import_file(
        v1_csv(row(services="Aide aux démarches administratives|Cours de cuisine", telephone="non communiqué")), "aside"
    )
    place = Place.objects.get(source="aside")
    assert place.services == ["aide-demarches-administratives"]
    assert place.unparsed == {"services": "Cours de cuisine", "telephone": "non communiqué"}
    assert {(w["column"], w["value"]) for w in report.warnings} == {
        ("services", "Cours de cuisine"),
        ("telephone", "non communiqué"),
    }


def test_duplicate_identifiers_reject_the_later_rows(import_file):
    report = import_file(v1_csv(row(), row(nom="Autre nom")), "dup")
    assert report.rejected == 1 and "déjà utilisé ligne 2" in report.rejects[0]["reasons"][0]
    assert Place.objects.get(source="dup").name == "Espace numérique du centre"


def test_reimport_updates_by_id_closes_the_missing_never_deletes_and_reopens(import_file):
    import_file(v1_csv(row(), row(id="lieu-2", nom="Médiathèque")), "hub")
    first = Place.objects.get(source="hub", source_id="lieu-1")
    second = import_file(v1_csv(row(nom="Espace numérique (nouveau nom)")), "hub")
    assert (second.created, second.updated, second.closed) == (0, 1, 1)
    first.refresh_from_db()
    assert first.name == "Espace numérique (nouveau nom)" and first.closed_at is None
    gone = Place.objects.get(source="hub", source_id="lieu-2")
    assert gone.closed_at is not None  # closed, still there for the referrals that point to it
    third = import_file(v1_csv(row(), row(id="lieu-2", nom="Médiathèque")), "hub")
    gone.refresh_from_db()
    assert third.closed == 0 and gone.closed_at is None


def test_a_row_rejected_on_reimport_leaves_its_place_open_as_it_was(import_file):
    import_file(v1_csv(row(), row(id="lieu-2", nom="Médiathèque")), "hub")
    report = import_file(v1_csv(row(), row(id="lieu-2", nom="Médiathèque", adresse="")), "hub")
    assert report.rejected == 1 and report.closed == 0
    assert Place.objects.get(source="hub", source_id="lieu-2").closed_at is None


def test_a_file_with_nothing_acceptable_closes_nothing(import_file):
    import_file(v1_csv(row()), "hub")
    report = import_file(v1_csv(row(adresse="")), "hub")
    assert report.accepted == 0 and report.closed == 0
    assert Place.objects.get(source="hub").closed_at is None


def test_semicolon_separated_windows_1252_csv_is_read(import_file):
    text = "id;pivot;nom;commune;code_postal;code_insee;adresse;date_maj\r\nx1;00000000000000;Médiathèque;Lille;59000;59350;1 rue Gambetta;12/01/2026\r\n"
    report = import_file(text.encode("cp1252"), "win", filename="lieux.csv")
    assert (report.accepted, report.rejected) == (1, 0)
    assert Place.objects.get(source="win").name == "Médiathèque"
    assert "fichier encodé en Windows-1252 : converti en UTF-8" in report.notes


def test_unreadable_files_and_reserved_source_names_are_refused_whole(import_file):
    with pytest.raises(ValidationError, match="vide"):
        import_file(b"", "vide")
    with pytest.raises(ValidationError, match="appui"):
        import_file(v1_csv(row()), "appui")
    with pytest.raises(ValidationError, match="JSON illisible"):
        import_file(b'[{"id": 1},', "json", filename="lieux.json")
