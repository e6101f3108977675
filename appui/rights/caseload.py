"""Caseload screening ("repérage du non-recours"): thousands of households, one array simulation per chunk.

Households are cut into chunks of about 10,000; each chunk is one vectorised OpenFisca simulation built from
arrays (never a loop of per-household simulations, never thousands of households in one JSON situation).
Chunks run in worker processes, one per core, forked from a parent whose tax-benefit system is already built
and warmed: the workers share it copy-on-write and never touch the database. A bad row is reported with its
line and reasons, and never stops or changes the others.
"""

import gc
import logging
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.db import connections

from appui.core.collector import gc_paused

from .catalogue import catalogue
from .certainty import ESSENTIAL, PROBABLE, TO_COMPLETE, TO_VERIFY, MissingInput, situation_missing
from .csv_format import CsvRow, RowError, parse_row
from .engine import EngineError, RightsEngine, get_engine
from .results import found_masks, monthly_equivalents
from .situation import HouseholdAnswers, Situation, resolve

logger = logging.getLogger(__name__)

CHUNK_SIZE = 10_000
# Below this many households a second process costs more than it saves.
MIN_PARALLEL = 400


@dataclass(frozen=True)
class CaseloadEntry:
    """One household to screen: a CSV row (parsed in the worker) or answers built from a person's record."""

    reference: str
    line: int | None = None
    person_id: int | None = None
    answers: HouseholdAnswers | None = None
    row: CsvRow | None = None


@dataclass(frozen=True)
class RowProblem:
    line: int | None
    reference: str
    message: str


@dataclass(frozen=True)
class HouseholdFinding:
    """A household with unclaimed rights found, or one that could not be assessed (informations à compléter)."""

    reference: str
    line: int | None
    person_id: int | None
    # Monthly equivalent of the probable rights only: a right "à vérifier" is counted apart, in to_verify_total.
    monthly_total: float
    # Amount by benefit code, in the benefit's frequency; None for an eligibility without amount. Empty for a
    # household to complete: amounts computed with unknown resources are not kept.
    rights: dict[str, float | None]
    assumptions: tuple[str, ...]
    certainty: int = PROBABLE
    to_verify_total: float = 0.0
    # Benefit codes "à vérifier", and the keys of the missing inputs (``certainty.MissingInput.key``).
    to_verify: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


@dataclass
class ChunkOutcome:
    count: int
    problems: list[RowProblem] = field(default_factory=list)
    findings: list[HouseholdFinding] = field(default_factory=list)


@dataclass
class CaseloadOutcome:
    total: int
    findings: list[HouseholdFinding]
    problems: list[RowProblem]
    seconds: float
    workers: int
    chunks: int

    @property
    def monthly_total(self) -> float:
        return round(sum(f.monthly_total for f in self.findings), 2)


Entry = CaseloadEntry | CsvRow


def entries_from_csv(rows: Sequence[CsvRow]) -> Sequence[Entry]:
    """Return the entries of a caseload file: its rows themselves (a row is parsed by the worker that screens it)."""
    return rows


def screen_chunk(entries: Sequence[Entry], *, period: str, engine: RightsEngine) -> ChunkOutcome:
    """Screen one chunk of households with one simulation; return its findings and its bad rows."""
    with gc_paused():
        return _screen_chunk(entries, period=period, engine=engine)


def _screen_chunk(entries: Sequence[Entry], *, period: str, engine: RightsEngine) -> ChunkOutcome:
    outcome = ChunkOutcome(count=len(entries))
    situations: list[Situation] = []
    kept: list[Entry] = []
    for entry in entries:
        try:
            answers = entry.answers if entry.answers is not None else parse_row(entry.row)  # type: ignore[arg-type]
            situations.append(resolve(answers, period=period))
        except (RowError, ValueError) as exc:
            outcome.problems.append(RowProblem(line=entry.line, reference=entry.reference, message=str(exc)))
            continue
        kept.append(entry)
    if not situations:
        return outcome
    values, failures = compute_isolating(engine, situations)
    if failures:
        for index, reason in sorted(failures.items(), reverse=True):
            entry = kept.pop(index)
            del situations[index]
            outcome.problems.append(RowProblem(line=entry.line, reference=entry.reference, message=reason))
        outcome.problems.sort(key=lambda p: (p.line is None, p.line or 0))
        if not situations:
            return outcome
    outcome.findings = _findings(kept, situations, values)
    return outcome


@lru_cache(maxsize=4096)
def _certainty_plan(missing: tuple[MissingInput, ...]) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Return the keys of the essential inputs missing, and by catalogue code the keys of the missing inputs the
    benefit depends on (a caseload repeats the same few combinations thousands of times: computed once each)."""
    essential = tuple(item.key for item in missing if item.code in ESSENTIAL)
    by_code = tuple(
        tuple(item.key for item in missing if item.code in info.depends_on) for info in catalogue().values()
    )
    return essential, by_code


def _findings(
    entries: Sequence[Entry], situations: Sequence[Situation], values: dict[str, np.ndarray]
) -> list[HouseholdFinding]:
    """Return the households with unclaimed rights, or that could not be assessed, in the order of ``entries``.

    The rights found are listed at once with numpy, then read as Python numbers (reading numpy arrays element by
    element costs more than the arithmetic); sums are made in catalogue order, as the totals are: the same floats.
    """
    masks = found_masks(values)
    monthly = monthly_equivalents(values)
    codes = list(catalogue())
    row_of = {code: row for row, code in enumerate(codes)}
    unclaimed = np.vstack([masks[code] for code in codes])
    for index, situation in enumerate(situations):
        for code in situation.received_benefits:
            unclaimed[row_of[code], index] = False
    totals = np.zeros(len(situations))
    for row, code in enumerate(codes):
        totals += np.where(unclaimed[row], monthly[code], 0.0)
    eligibility = [catalogue()[code].kind == "eligibility" for code in codes]
    # The unclaimed rights, household after household, in catalogue order; ``bounds`` delimits each household's.
    households, rows = np.nonzero(unclaimed.T)
    bounds: list[int] = np.searchsorted(households, np.arange(len(situations) + 1)).tolist()
    found_rows: list[int] = rows.tolist()
    found_amounts: list[float] = np.vstack([values[code] for code in codes]).T[households, rows].tolist()
    found_monthly: list[float] = np.vstack([monthly[code] for code in codes]).T[households, rows].tolist()
    household_totals: list[float] = totals.tolist()
    no_missing: tuple[MissingInput, ...] = ()
    findings: list[HouseholdFinding] = []
    for index, situation in enumerate(situations):
        missing = situation_missing(situation.assumptions) if situation.assumptions else no_missing
        essential, depending = _certainty_plan(missing)
        first, last = bounds[index], bounds[index + 1]
        if not essential and first == last:
            continue
        entry = entries[index]
        assumptions = tuple(a.message for a in situation.assumptions)
        if essential:
            # Every benefit depends on the resources and the household: nothing found here can be trusted.
            findings.append(
                HouseholdFinding(
                    reference=entry.reference,
                    line=entry.line,
                    person_id=entry.person_id,
                    monthly_total=0.0,
                    rights={},
                    assumptions=assumptions,
                    certainty=TO_COMPLETE,
                    missing=essential,
                )
            )
            continue
        rights: dict[str, float | None] = {}
        to_verify: list[str] = []
        lacking: list[str] = []
        to_verify_total = 0.0
        for position in range(first, last):
            row = found_rows[position]
            code = codes[row]
            rights[code] = None if eligibility[row] else round(found_amounts[position], 2)
            keys = depending[row]
            if keys:
                to_verify.append(code)
                to_verify_total += found_monthly[position]
                lacking.extend(key for key in keys if key not in lacking)
        findings.append(
            HouseholdFinding(
                reference=entry.reference,
                line=entry.line,
                person_id=entry.person_id,
                monthly_total=round(household_totals[index] - to_verify_total, 2),
                rights=rights,
                assumptions=assumptions,
                certainty=TO_VERIFY if to_verify else PROBABLE,
                to_verify_total=round(to_verify_total, 2),
                to_verify=tuple(to_verify),
                missing=tuple(lacking),
            )
        )
    return findings


def compute_isolating(
    engine: RightsEngine, situations: Sequence[Situation]
) -> tuple[dict[str, np.ndarray], dict[int, str]]:
    """Return the engine's values for the situations it can compute, and a French reason for each one it cannot.

    The chunk is computed at once; when the engine raises, it is split in halves until the households that make
    it fail are alone, so that one bad household costs a few more simulations and never the others' results. An
    engine that cannot compute at all (``EngineError``: remote API unreachable) is not a household's fault: it is
    raised, and the task is tried again.
    """
    try:
        return engine.compute(situations), {}
    except EngineError:
        raise
    except Exception as exc:
        if len(situations) == 1:
            logger.warning("The rules engine failed on one household", exc_info=True)
            return {}, {
                0: f"le moteur de calcul (OpenFisca) n'a pas pu examiner ce foyer ({type(exc).__name__}) : "
                "vérifiez ses valeurs ; les autres foyers ont été examinés."
            }
    half = len(situations) // 2
    left, left_failures = compute_isolating(engine, situations[:half])
    right, right_failures = compute_isolating(engine, situations[half:])
    failures = left_failures | {half + index: reason for index, reason in right_failures.items()}
    parts = [part for part in (left, right) if part]
    values = {code: np.concatenate([part[code] for part in parts]) for code in parts[0]} if parts else {}
    return values, failures


# Set by the parent just before forking: the workers inherit them (copy-on-write), nothing is pickled but bounds.
_job: dict[str, object] = {}


def _screen_range(bounds: tuple[int, int]) -> ChunkOutcome:
    entries: Sequence[Entry] = _job["entries"]  # type: ignore[assignment]
    outcome = screen_chunk(
        entries[bounds[0] : bounds[1]],
        period=_job["period"],  # type: ignore[arg-type]
        engine=_job["engine"],  # type: ignore[arg-type]
    )
    gc.collect()  # free this chunk's simulation before the next one (the frozen parent objects are not walked)
    return outcome


def default_workers() -> int:
    """Return the number of worker processes: one per core available, unless set by ``APPUI_RIGHTS_WORKERS``."""
    configured = getattr(settings, "APPUI_RIGHTS_WORKERS", None)
    if configured:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def chunk_bounds(total: int, *, workers: int, chunk_size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """Return the [start, end) bounds of the chunks: about ``chunk_size`` households, at least one per worker."""
    if total == 0:
        return []
    chunks = math.ceil(total / chunk_size)
    if chunks < workers and total >= MIN_PARALLEL:
        chunks = workers
    size = math.ceil(total / chunks)
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def _close_database_connections() -> None:
    """Close the connections a forked worker would otherwise share (not one inside a transaction: tests)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def run_caseload(
    entries: Sequence[Entry],
    *,
    period: str,
    engine: RightsEngine | None = None,
    workers: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
) -> CaseloadOutcome:
    """Screen every household of ``entries``; return the findings and the bad rows.

    Findings are sorted by certainty (probable, à vérifier, informations à compléter), then monthly amount.

    ``progress`` is called in this process with the number of households done after each chunk.
    """
    start = time.perf_counter()
    engine = engine or get_engine()
    workers = max(1, workers or default_workers())
    bounds = chunk_bounds(len(entries), workers=workers, chunk_size=chunk_size)
    parallel = workers > 1 and engine.forkable and len(bounds) > 1
    outcomes: list[tuple[int, ChunkOutcome]] = []
    done = 0
    if parallel:
        engine.warm_up(period)  # before forking: the workers inherit a tax-benefit system warm for this period
        _close_database_connections()
        # Move every object that exists now out of the collector's reach: the workers never walk (nor copy) them.
        gc.freeze()
        _job.update(entries=entries, period=period, engine=engine)
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(processes=min(workers, len(bounds))) as pool:
                for index, outcome in pool.imap_unordered(_indexed_range, list(enumerate(bounds))):
                    outcomes.append((index, outcome))
                    done += outcome.count
                    if progress:
                        progress(done)
        finally:
            _job.clear()
            gc.unfreeze()
    else:
        for index, (first, last) in enumerate(bounds):
            outcome = screen_chunk(entries[first:last], period=period, engine=engine)
            outcomes.append((index, outcome))
            done += outcome.count
            if progress:
                progress(done)
    outcomes.sort(key=lambda pair: pair[0])
    findings = [f for _, outcome in outcomes for f in outcome.findings]
    findings.sort(key=lambda f: (f.certainty, -f.monthly_total, -f.to_verify_total))
    problems = [p for _, outcome in outcomes for p in outcome.problems]
    return CaseloadOutcome(
        total=len(entries),
        findings=findings,
        problems=problems,
        seconds=time.perf_counter() - start,
        workers=min(workers, len(bounds)) if parallel else 1,
        chunks=len(bounds),
    )


def _indexed_range(item: tuple[int, tuple[int, int]]) -> tuple[int, ChunkOutcome]:
    index, bounds = item
    return index, _screen_range(bounds)
