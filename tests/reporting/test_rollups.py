"""The daily roll-ups equal the activities they add up, after every kind of change."""

import datetime

import pytest

from appui.accompaniments.models import Accompaniment
from appui.accompaniments.services import AnonymousParticipants, accompaniment_update, workshop_update
from appui.core.json_arrays import element_sums, object_sums
from appui.reporting.models import ActivityDay
from appui.reporting.rollups import rebuild_days
from appui.reporting.statistics import (
    Filters,
    Scope,
    _activity_aggregates,
    _day_aggregates,
    activities_in,
    days_in,
)

from .dataset import START, TODAY, build


def _snapshot() -> list[tuple]:
    return sorted(
        (
            d.structure_id,
            d.date,
            d.place_kind,
            d.place_id,
            d.kind,
            d.activities,
            d.accompaniments,
            d.minutes,
            d.procedures,
            d.procedure_accompaniments,
            tuple(sorted(d.counts.items())),
            tuple(sorted(d.themes.items())),
            tuple(sorted(d.equipment.items())),
        )  # fmt: skip
        for d in ActivityDay.objects.all()
    )


def _same_as_a_rebuild() -> None:
    kept = _snapshot()
    rebuild_days()
    assert kept == _snapshot()


@pytest.mark.django_db
def test_the_roll_ups_and_the_activities_give_the_same_figures():
    dataset = build()
    for scope in (
        Scope(structure_ids=(dataset.structures["A"].pk,)),
        Scope(structure_ids=tuple(s.pk for s in dataset.structures.values())),
    ):
        for extra in ({}, {"kind": "collectif"}, {"place": "domicile"}):
            filters = Filters(start=START, end=TODAY, **extra)
            activities, days = activities_in(scope, filters), days_in(scope, filters)
            assert _day_aggregates(days) == _activity_aggregates(activities)
            assert object_sums(days, "themes") == element_sums(activities, "themes", "participants")
            assert object_sums(days, "equipment") == element_sums(activities, "equipment", "participants")
    _same_as_a_rebuild()


@pytest.mark.django_db
def test_roll_ups_follow_corrections_of_dates_and_of_workshops():
    dataset = build()
    member = dataset.members["mA2"]
    individual = Accompaniment.objects.filter(author=member.user, kind="individuel").order_by("id").first()
    accompaniment_update(
        membership=member,
        accompaniment=individual,
        fields={"date": individual.date - datetime.timedelta(days=1), "duration_minutes": 95},
        expected_version=individual.version,
    )
    _same_as_a_rebuild()
    workshop = Accompaniment.objects.filter(author=member.user, kind="collectif").get()
    new_day = workshop.date - datetime.timedelta(days=2)
    workshop_update(
        membership=member,
        accompaniment=workshop,
        fields={"date": new_day, "themes": ["ia"], "place_kind": "autre"},
        persons=[],
        anonymous=AnonymousParticipants(count=9),
        expected_version=workshop.version,
    )
    _same_as_a_rebuild()
    moved = ActivityDay.objects.get(structure=workshop.structure, date=new_day, kind="collectif")
    assert (moved.accompaniments, moved.themes, moved.place_kind) == (9, {"ia": 9}, "autre")


@pytest.mark.django_db
def test_the_repair_command_rebuilds_lost_roll_ups(capsys):
    from django.core.management import call_command

    build()
    kept = _snapshot()
    ActivityDay.objects.all().delete()
    call_command("rebuild_activity_days")
    assert _snapshot() == kept and "agrégat(s) quotidien(s) recalculé(s)" in capsys.readouterr().out
