"""Every figure of the statistics, compared with the same figure computed independently from the ledger."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest

from appui.reporting.models import TerritoryCoordination
from appui.reporting.statistics import DURATION_BANDS, Filters, Scope, statistics
from appui.reporting.territory import territory_of
from tests.accounts.factories import UserFactory

from .dataset import START, TODAY, Dataset, Entry, build

ADMINISTRATIVE = {
    "papiers", "famille", "social_sante", "travail", "logement", "transports", "argent", "justice", "etrangers",
    "loisirs", "associations",
}  # fmt: skip


@pytest.fixture
def dataset(db) -> Dataset:
    return build()


def _selected(ledger: list[Entry], structures: set[str], author: str | None, start, end, **filters) -> list[Entry]:
    chosen = []
    for e in ledger:
        if e.structure not in structures or not (start <= e.date <= end):
            continue
        if author and e.author != author:
            continue
        if filters.get("theme") and filters["theme"] not in e.themes:
            continue
        if filters.get("kind") and e.kind != filters["kind"]:
            continue
        if filters.get("place") and not e.place.startswith(filters["place"]):
            continue
        chosen.append(e)
    return chosen


def _expected(ledger: list[Entry], chosen: list[Entry]) -> dict:
    """Compute the figures from the ledger with plain Python: the reference the queries must match."""
    weight = lambda e: len(e.beneficiaries)  # noqa: E731
    first_day: dict[str, datetime.date] = {}
    for e in sorted(ledger, key=lambda e: e.date):
        for b in e.beneficiaries:
            first_day.setdefault(b.key, e.date)
    seen: dict[str, tuple] = {}
    for e in sorted(chosen, key=lambda e: e.date):
        for b in e.beneficiaries:
            seen[b.key] = (b, e.date)  # the latest activity of the period wins
    durations = Counter()
    for e in chosen:
        for key, _, low, high in DURATION_BANDS:
            if e.minutes >= low and (high is None or e.minutes < high):
                durations[key] += weight(e)
    themes, equipment = Counter(), Counter()
    for e in chosen:
        for t in e.themes:
            themes[t] += weight(e)
        for q in e.equipment:
            equipment[q] += weight(e)
    per_day = Counter()
    for e in chosen:
        per_day[e.date] += weight(e)
    return {
        "activities": len(chosen),
        "accompaniments": sum(weight(e) for e in chosen),
        "individual": sum(1 for e in chosen if e.kind == "individuel"),
        "collective": sum(1 for e in chosen if e.kind == "collectif"),
        "collective_participants": sum(weight(e) for e in chosen if e.kind == "collectif"),
        "procedures": sum(1 for e in chosen if set(e.themes) & ADMINISTRATIVE),
        "minutes": sum(e.minutes for e in chosen),
        "durations": dict(durations),
        "place_kinds": Counter({k: 0 for k in ()})
        + Counter(
            {
                pk: sum(
                    weight(e) for e in chosen if (e.place.startswith("own:") and pk == "lieu_activite") or e.place == pk
                )
                for pk in ("lieu_activite", "domicile", "a_distance", "autre")
            }
        ),
        "themes": dict(themes),
        "equipment": dict(equipment),
        "modes": Counter(e.mode for e in chosen),
        "autonomy": Counter(e.autonomy for e in chosen if e.autonomy),
        "procedure_status": Counter(e.procedure_status for e in chosen if e.procedure_status),
        "referred_to": Counter(e.referred_to for e in chosen if e.referred_to),
        "per_day": per_day,
        "beneficiaries": len(seen),
        "followed": sum(1 for b, _ in seen.values() if b.followed),
        "new": sum(1 for key in seen if START <= first_day[key]),
        "genders": Counter(b.gender for b, _ in seen.values()),
        "age_bands": Counter(b.band(d) for b, d in seen.values()),
        "statuses": Counter(b.status for b, _ in seen.values()),
        "communes": Counter(b.commune for b, _ in seen.values()),
        "authors": Counter({a: sum(weight(e) for e in chosen if e.author == a) for a in {e.author for e in chosen}}),
    }


def _counts(breakdown) -> dict:
    return {r.value: r.count for r in breakdown.rows if r.count}


def _compare(stats, expected: dict) -> None:
    t, b = stats.totals, stats.beneficiaries
    for key in (
        "activities",
        "accompaniments",
        "individual",
        "collective",
        "collective_participants",
        "procedures",
        "minutes",
    ):
        assert t[key] == expected[key], key
    assert _counts(stats["durations"]) == {k: v for k, v in expected["durations"].items() if v}
    assert _counts(stats["place_kinds"]) == {k: v for k, v in expected["place_kinds"].items() if v}
    assert {**_counts(stats["themes"]), **_counts(stats["procedures"])} == expected["themes"]
    assert _counts(stats["equipment"]) == expected["equipment"]
    assert _counts(stats["modes"]) == dict(expected["modes"])
    assert _counts(stats["autonomy"]) == dict(expected["autonomy"])
    assert _counts(stats["procedure_status"]) == dict(expected["procedure_status"])
    assert _counts(stats["referred_to"]) == dict(expected["referred_to"])
    assert {d: n for d, n in stats.per_day if n} == dict(expected["per_day"])
    assert sum(n for _, n in stats.per_month) == expected["accompaniments"]
    assert b["total"] == expected["beneficiaries"]
    assert b["followed"] == expected["followed"] and b["anonymous"] == expected["beneficiaries"] - expected["followed"]
    assert b["new"] == expected["new"] and b["returning"] == expected["beneficiaries"] - expected["new"]
    assert _counts(stats["genders"]) == {k: v for k, v in expected["genders"].items() if v}
    assert _counts(stats["age_bands"]) == {k: v for k, v in expected["age_bands"].items() if v}
    assert _counts(stats["social_statuses"]) == {
        k: v for k, v in expected["social_statuses" if False else "statuses"].items() if v
    }
    assert {r.value: r.count for r in stats["communes"].rows} == dict(expected["communes"])
    for breakdown in stats.breakdowns.values():
        if breakdown.total:
            assert abs(sum(r.proportion for r in breakdown.rows) - 100) < 0.01, breakdown.key


@pytest.mark.django_db
def test_structure_scope_matches_the_ledger(dataset):
    a = dataset.structures["A"]
    stats = statistics(Scope(structure_ids=(a.pk,)), Filters(start=START, end=TODAY))
    expected = _expected(dataset.ledger, _selected(dataset.ledger, {"A"}, None, START, TODAY))
    _compare(stats, expected)
    members = {r.label: r.count for r in stats["members"].rows}
    names = {key: m.user.get_full_name() for key, m in dataset.members.items()}
    assert members == {names[k]: v for k, v in expected["authors"].items()}
    places = {r.label: r.count for r in stats["places"].rows}
    assert places["Antenne des Buers"] == sum(
        len(e.beneficiaries) for e in _selected(dataset.ledger, {"A"}, None, START, TODAY, place="own:branch")
    )


@pytest.mark.django_db
def test_member_scope_counts_only_the_members_own_activity(dataset):
    a, member = dataset.structures["A"], dataset.members["mA2"]
    stats = statistics(Scope(structure_ids=(a.pk,), author_id=member.user_id), Filters(start=START, end=TODAY))
    _compare(stats, _expected(dataset.ledger, _selected(dataset.ledger, {"A"}, "mA2", START, TODAY)))
    assert "members" not in stats.breakdowns


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filters",
    [{"theme": "email"}, {"kind": "collectif"}, {"kind": "individuel"}, {"place": "domicile"}, {"theme": "logement"}],
)
def test_filters_match_the_ledger(dataset, filters):
    a = dataset.structures["A"]
    stats = statistics(Scope(structure_ids=(a.pk,)), Filters(start=START, end=TODAY, **filters))
    _compare(stats, _expected(dataset.ledger, _selected(dataset.ledger, {"A"}, None, START, TODAY, **filters)))


@pytest.mark.django_db
def test_filter_by_member_and_by_one_of_the_structure_places(dataset):
    a = dataset.structures["A"]
    branch = a.places.get(name="Antenne des Buers")
    by_place = statistics(Scope(structure_ids=(a.pk,)), Filters(start=START, end=TODAY, place=f"lieu-{branch.pk}"))
    _compare(
        by_place, _expected(dataset.ledger, _selected(dataset.ledger, {"A"}, None, START, TODAY, place="own:branch"))
    )
    member = dataset.members["mA"]
    by_member = statistics(Scope(structure_ids=(a.pk,)), Filters(start=START, end=TODAY, author_id=member.user_id))
    _compare(by_member, _expected(dataset.ledger, _selected(dataset.ledger, {"A"}, "mA", START, TODAY)))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "code", "expected_structures"), [("departement", "69", {"A", "B"}), ("epci", "200046977", {"A"})]
)
def test_territory_scope_sums_the_structures_that_opted_in(dataset, kind, code, expected_structures):
    coordination = TerritoryCoordination.objects.create(user=UserFactory(), territory_kind=kind, territory_code=code)
    territory = territory_of(coordination)
    assert {s.name for s in territory.structures} == {dataset.structures[k].name for k in expected_structures}
    stats = statistics(Scope(structure_ids=territory.structure_ids, territory=True), Filters(start=START, end=TODAY))
    _compare(stats, _expected(dataset.ledger, _selected(dataset.ledger, expected_structures, None, START, TODAY)))
    assert "members" not in stats.breakdowns


@pytest.mark.django_db
def test_appui_figures_mandates_diagnostics_rights_and_alerts(dataset):
    a = dataset.structures["A"]
    stats = statistics(Scope(structure_ids=(a.pk,)), Filters(start=START, end=TODAY))
    mandates = stats.appui["mandates"]
    assert mandates["created"] == 1 and mandates["used"] == 1
    assert _counts(mandates["created_by_category"]) == {"logement": 1, "argent": 1}
    assert _counts(mandates["used_by_category"]) == {"logement": 1}
    diagnostics = stats.appui["diagnostics"]
    assert diagnostics["count"] == 3 and diagnostics["persons"] == 2
    # p1 went from an overall score of 1 to 3; p2 was assessed once (not counted in the progress).
    assert diagnostics["reassessed"] == 1 and diagnostics["average_progress"] == Decimal("2.00")
    rights = stats.appui["rights"]
    granted, yearly, claimed = dataset.extras["rights"]
    assert rights["found"] == 3 and rights["claimed"] == 3 and rights["obtained"] == 2
    assert (
        rights["secured_monthly"] == granted.secured_monthly_amount + yearly.secured_monthly_amount == Decimal("200.00")
    )
    assert stats.appui["alerts"]["count"] == 2
    assert _counts(stats.appui["alerts"]["by_service"]) == {"caf": 1, "ameli": 1}
    assert stats.appui["referrals"] == {"orientations": 1, "oriented": 1}
    own = statistics(
        Scope(structure_ids=(a.pk,), author_id=dataset.members["mA2"].user_id), Filters(start=START, end=TODAY)
    )
    assert own.appui["mandates"]["created"] == 0 and own.appui["diagnostics"]["count"] == 2
    assert own.appui["rights"]["obtained"] == 1 and own.appui["alerts"]["count"] == 1


@pytest.mark.django_db
def test_an_empty_period_gives_zeros_everywhere(dataset):
    a = dataset.structures["A"]
    long_ago = datetime.date(2020, 1, 1)
    stats = statistics(
        Scope(structure_ids=(a.pk,)), Filters(start=long_ago, end=long_ago + datetime.timedelta(days=30))
    )
    assert stats.totals["activities"] == 0 and stats.beneficiaries["total"] == 0
    assert all(r.proportion == 0 for b in stats.breakdowns.values() for r in b.rows)
    assert len(stats.per_day) == 31 and all(n == 0 for _, n in stats.per_day)
