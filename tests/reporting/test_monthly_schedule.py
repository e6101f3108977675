"""The monthly activity reports run on the schedule, once per structure and month, without anyone asking."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from appui.reporting.models import ActivityReport
from appui.runtime.schedule import scheduled_jobs
from tests.accounts.factories import StructureFactory


@pytest.mark.django_db
def test_the_schedule_produces_last_months_report_of_every_structure_once():
    structures = [StructureFactory(), StructureFactory()]
    StructureFactory(is_active=False)
    job = scheduled_jobs()["rapports_mensuels"]
    slot = job.when.latest_slot(datetime.datetime(2026, 12, 3, 12, 0, tzinfo=ZoneInfo("Europe/Paris")))
    assert slot.date() == datetime.date(2026, 12, 1)

    first = job.run(slot)
    reports = ActivityReport.objects.order_by("structure_id")
    assert [r.structure_id for r in reports] == [s.pk for s in structures]
    assert {(r.period_start, r.period_end) for r in reports} == {
        (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    }
    assert "2 rapports produits" in first.summary

    again = job.run(slot)  # a second worker, or a relaunch: nothing is produced twice
    assert ActivityReport.objects.count() == 2 and "0 rapport produit" in again.summary
