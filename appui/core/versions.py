"""Optimistic concurrency: each editable record carries a ``version`` that every write moves on.

A form or an API client reads the version with the record and sends it back with its changes; the service claims
it with one conditional UPDATE (``… SET version = version + 1 WHERE pk = … AND version = expected``). The database
answers the race: of two writes made from the same version, only the first matches a row, the second is refused
with ``StaleVersionError`` and writes nothing (see docs/modifications-concurrentes.md).
"""

from typing import Any, TypeVar

from django.db import models
from django.db.models import F

M = TypeVar("M", bound=models.Model)


class StaleVersionError(Exception):
    """Raised when a write was prepared from a version of the record that is no longer the current one."""

    def __init__(self, current: Any):
        super().__init__(
            "Cette fiche a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte : rien n'a été enregistré."
        )
        self.current = current


def claim_version(instance: M, expected: int | None) -> None:
    """Move ``instance``'s version on, provided it is still ``expected``; raise StaleVersionError otherwise.

    The instance must have been read in the current transaction: it is current when the claim succeeds, since
    every writer moves the version on. ``expected=None`` is a blind write (it still makes open forms stale):
    kept for actions that set one field whatever the rest says, such as "suivi fait", which then save only
    that field.
    """
    manager = type(instance)._default_manager
    if expected is None:
        manager.filter(pk=instance.pk).update(version=F("version") + 1)
        instance.version = manager.values_list("version", flat=True).get(pk=instance.pk)  # type: ignore[attr-defined]
        return
    if expected != instance.version:  # type: ignore[attr-defined]
        raise StaleVersionError(manager.get(pk=instance.pk))
    # The conditional UPDATE is the check: on PostgreSQL a concurrent claim waits for this row's lock, then
    # finds the version moved and updates nothing; SQLite runs writes one at a time.
    if not manager.filter(pk=instance.pk, version=expected).update(version=F("version") + 1):
        raise StaleVersionError(manager.get(pk=instance.pk))
    instance.version = expected + 1  # type: ignore[attr-defined]


def bump_version() -> Any:
    """Return the expression a writer that checks nothing (archiving, anonymisation) stores in ``version``."""
    return F("version") + 1
