"""Pausing Python's cyclic garbage collector around work that builds many long-lived objects."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block; give it back as it was (on, or left off by a caller).

    An import of 100,000 places, the rows of a caseload file, or a simulation of 10,000 households allocate
    hundreds of thousands of objects that live through the whole block: each collection of the oldest
    generation walked all of them again (and, in a worker, the whole tax-benefit system), for a quarter to a
    third of the work's own time (measured, docs/annuaire.md and docs/rights.md). Their cycles are collected
    after the block, as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
