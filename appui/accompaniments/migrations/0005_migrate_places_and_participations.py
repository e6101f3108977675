"""Move the recorded accompaniments to the activity report's fields; nothing is lost.

- Places: "sur place" becomes a place of the structure (one is created per structure, from its name and
  commune); "téléphone" and "visio" become "à distance" with their channel; "à domicile" keeps the person's
  commune; "hors les murs" becomes "autre lieu".
- Every accompaniment gets one participation per beneficiary, with the person's categories at its date. An old
  collective accompaniment (one person and a number of participants) becomes a workshop: the person is a
  followed participant, the others anonymous participants whose categories were never recorded.
- The first participation of each person is marked as their first activity in the structure.

The rules are written out here (not imported) so that this migration keeps doing what it did.
"""

import datetime
from itertools import islice

import uuid

from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 2000
AGE_LIMITS = ((12, "-12"), (18, "12-17"), (25, "18-24"), (40, "25-39"), (60, "40-59"), (70, "60-69"))
STATUS_OF_EMPLOYMENT = {
    "salarie": "en_emploi",
    "independant": "en_emploi",
    "demandeur_emploi": "sans_emploi",
    "sans_activite": "sans_emploi",
    "invalidite": "sans_emploi",
    "etudiant": "scolarise",
    "retraite": "retraite",
}
REMOTE = {"telephone", "visio"}


def _age_band(person, day: datetime.date) -> str:
    if person["birth_date"]:
        born = person["birth_date"]
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    elif person["birth_year"]:
        age = day.year - person["birth_year"]
    else:
        return person["age_band"]
    if age < 0:
        return ""
    for limit, band in AGE_LIMITS:
        if age < limit:
            return band
    return "70+"


def _categories(person, day: datetime.date) -> dict:
    return {
        "followed": not person["is_anonymous"],
        "gender": person["gender"],
        "age_band": _age_band(person, day),
        "social_status": person["social_status"] or STATUS_OF_EMPLOYMENT.get(person["employment_status"], ""),
        "commune_code": person["commune_code"],
    }


def forward(apps, schema_editor):
    Accompaniment = apps.get_model("accompaniments", "Accompaniment")
    Participation = apps.get_model("accompaniments", "Participation")
    Person = apps.get_model("people", "Person")
    Place = apps.get_model("places", "Place")
    Structure = apps.get_model("accounts", "Structure")
    MandateUse = apps.get_model("mandates", "MandateUse")

    for structure in Structure.objects.all():
        place = Place.objects.filter(structure=structure).order_by("id").first()
        if place is None:
            # A structure's own place (source "appui"), not published in the directory until the manager
            # completes and publishes it.
            place = Place.objects.create(
                structure=structure,
                name=structure.name,
                address=structure.address,
                commune_code=structure.commune_code,
                source="appui",
                source_id=uuid.uuid4().hex,
                is_published=False,
                collected_by=structure.name[:200],
            )
        Accompaniment.objects.filter(structure=structure, place_legacy="sur_place").update(
            place_kind="lieu_activite", place=place
        )
    for channel in REMOTE:
        Accompaniment.objects.filter(place_legacy=channel).update(place_kind="a_distance", remote_channel=channel)
    Accompaniment.objects.filter(place_legacy="domicile").update(
        place_kind="domicile",
        place_commune_code=Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("commune_code")[:1]),
    )
    Accompaniment.objects.filter(place_legacy="hors_les_murs").update(place_kind="autre")

    fields = (
        "id", "is_anonymous", "gender", "birth_date", "birth_year", "age_band", "social_status",
        "employment_status", "commune_code",
    )  # fmt: skip
    with_mandate = set(MandateUse.objects.values_list("accompaniment_id", flat=True))
    seen = set()
    activities = Accompaniment.objects.order_by("person_id", "date", "id").values_list(
        "id", "person_id", "date", "kind", "participants"
    )
    rows_in = activities.iterator(chunk_size=BATCH)
    while chunk := list(islice(rows_in, BATCH)):
        persons = {p["id"]: p for p in Person.objects.filter(pk__in={row[1] for row in chunk}).values(*fields)}
        rows = []
        for accompaniment_id, person_id, day, kind, participants in chunk:
            rows.append(
                Participation(
                    accompaniment_id=accompaniment_id,
                    person_id=person_id,
                    is_first=person_id not in seen,
                    **_categories(persons[person_id], day),
                )
            )
            seen.add(person_id)
            if kind == "collectif":
                rows += [
                    Participation(accompaniment_id=accompaniment_id, is_first=True) for _ in range(participants - 1)
                ]
        Participation.objects.bulk_create(rows)
    # A workshop belongs to no single person, unless a mandate was used for it (kept as recorded).
    Accompaniment.objects.filter(kind="collectif").exclude(pk__in=with_mandate).update(person=None)


def backward(apps, schema_editor):
    Accompaniment = apps.get_model("accompaniments", "Accompaniment")
    Participation = apps.get_model("accompaniments", "Participation")
    for workshop in Accompaniment.objects.filter(person__isnull=True):
        first = Participation.objects.filter(accompaniment=workshop, person__isnull=False).order_by("id").first()
        if first is None:
            raise RuntimeError(f"L'atelier n° {workshop.pk} n'a aucune personne suivie : retour impossible.")
        workshop.person_id = first.person_id
        workshop.save(update_fields=["person"])
    Participation.objects.all().delete()
    Accompaniment.objects.filter(place_kind="lieu_activite").update(place_legacy="sur_place", place=None)
    Accompaniment.objects.filter(place_kind="a_distance", remote_channel="visio").update(place_legacy="visio")
    Accompaniment.objects.filter(place_kind="a_distance").exclude(remote_channel="visio").update(
        place_legacy="telephone"
    )
    Accompaniment.objects.filter(place_kind="domicile").update(place_legacy="domicile")
    Accompaniment.objects.filter(place_kind="autre").update(place_legacy="hors_les_murs")


class Migration(migrations.Migration):

    dependencies = [
        ("accompaniments", "0004_cra_fields_and_participations"),
        ("mandates", "0001_initial"),
        ("places", "0002_directory"),
        ("people", "0010_person_gender_social_status"),
    ]

    operations = [migrations.RunPython(forward, backward)]
