"""The only writer of the audit log, and the jobs that link, check, anchor and purge it.

Writing never waits for another request: an event is sealed and written unlinked in the transaction of the
change it describes, and a short separate step links it into the chain once that transaction has committed
(``audit_link_pending``, run on commit and as a catch-up by ``audit_verify``). See docs/audit.md.
The jobs (``audit_link_pending``, ``audit_verify``, ``audit_anchor``, ``audit_purge_personal_fields``) are
plain functions: management commands and the scheduler call them.
"""

import datetime
import json
import logging
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from .anchors import AnchorFileError, configured_anchor_file
from .chain import GENESIS, Anchor, Break, check_event, event_mac, link_hash, personal_digest, timestamp, verify
from .enums import AuditAction, AuditPurpose
from .keys import audit_keyring
from .models import AuditChainHead, AuditEvent, AuditRetention

logger = logging.getLogger("appui.audit")

_FIELDS = (
    "id",
    "uid",
    "key_id",
    "mac",
    "seq",
    "prev_hash",
    "hash",
    "personal_digest",
    "created_at",
    "actor_id",
    "structure_id",
    "action",
    "purpose",
    "object_type",
    "object_id",
    "person_id",
    "detail",
)


@dataclass(frozen=True)
class AuditEntry:
    """One event of a batch written by ``audit_record_many``: the object and person it is about."""

    obj: models.Model | None = None
    person_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def seal_event(
    *,
    actor: Any,
    structure: Any,
    action: str,
    purpose: str,
    obj: models.Model | None = None,
    person_id: int | None = None,
    detail: dict[str, Any] | None = None,
    created_at: datetime.datetime,
) -> AuditEvent:
    """Return a new, sealed, unlinked event (not saved). Only ``audit_record`` and tests call this."""
    ring = audit_keyring()
    event = AuditEvent(
        uid=uuid.uuid4(),
        key_id=ring.current,
        actor=actor if getattr(actor, "pk", None) else None,
        structure=structure,
        action=action,
        purpose=purpose,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        person_id=person_id,
        # JSON types only; decimals kept as written (the database may respell a float, not a string).
        detail=json.loads(json.dumps(detail or {}, default=str), parse_float=str),
        created_at=created_at,
    )
    event.personal_digest = personal_digest(
        ring,
        key_id=event.key_id,
        uid=str(event.uid),
        object_id=event.object_id,
        person_id=person_id,
        detail=event.detail,
    )
    event.mac = event_mac(
        ring,
        key_id=event.key_id,
        uid=str(event.uid),
        created_at=timestamp(created_at),
        actor_id=event.actor_id,
        structure_id=event.structure_id,
        action=event.action,
        purpose=event.purpose,
        object_type=event.object_type,
        personal=event.personal_digest,
    )
    return event


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the action it records.")


def audit_record(
    *,
    actor: Any,
    structure: Any,
    action: str,
    purpose: str,
    obj: models.Model | None = None,
    person_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event inside the caller's transaction (it must already be in one).

    The event commits or rolls back with the change it describes: there is no write without its trace. It takes
    no lock: it is linked into the chain right after the commit.
    """
    _require_transaction()
    event = seal_event(
        actor=actor,
        structure=structure,
        action=action,
        purpose=purpose,
        obj=obj,
        person_id=person_id,
        detail=detail,
        created_at=timezone.now(),
    )
    event.save()
    _link_after_this_transaction([event.pk])
    return event


def audit_record_many(*, actor: Any, structure: Any, action: str, purpose: str, entries: Iterable[AuditEntry]) -> int:
    """Write one event per entry (same author, action and purpose) in the caller's transaction; return how many."""
    _require_transaction()
    now = timezone.now()
    events = [
        seal_event(
            actor=actor,
            structure=structure,
            action=action,
            purpose=purpose,
            obj=entry.obj,
            person_id=entry.person_id,
            detail=entry.detail,
            created_at=now,
        )
        for entry in entries
    ]
    if events:
        AuditEvent.objects.bulk_create(events, batch_size=1000)
        _link_after_this_transaction([event.pk for event in events])
    return len(events)


def audit_access_refused(*, actor: Any, structure: Any, method: str, path: str, status: int) -> None:
    """Journal a refused request (401, 403, 404, 405) in a transaction of its own.

    Called once the request's own transaction is over, so the trace survives its rollback: probing other
    structures' ids, or pages the role may not open, stays on record.
    """
    with transaction.atomic():
        audit_record(
            actor=actor,
            structure=structure,
            action=AuditAction.ACCESS_REFUSED,
            purpose=AuditPurpose.SECURITY,
            detail={"method": method[:10], "path": path[:500], "status": status},
        )


# --- Linking ---------------------------------------------------------------------------------------------


class _LinkStep:
    """The linking step of one transaction: the ids of the events it wrote, linked once it commits."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.done = False

    def __call__(self) -> None:
        self.done = True
        try:
            audit_link_pending(only=self.ids)
        except Exception:  # the events are committed; the catch-up links them later
            logger.exception("Chaînage du journal d'audit différé : il sera repris par verify_audit.")


def _link_after_this_transaction(ids: list[int]) -> None:
    """Have the events linked right after the current transaction commits: one step, however many events."""
    for _sids, func, _robust in transaction.get_connection().run_on_commit:
        if isinstance(func, _LinkStep) and not func.done:
            func.ids.extend(ids)
            return
    step = _LinkStep()
    step.ids.extend(ids)
    transaction.on_commit(step)


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(pk=1)
        except IntegrityError:
            pass  # created meanwhile by another linker
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def _sealed_form(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "uid": str(row["uid"]), "created_at": timestamp(row["created_at"])}


def _pending_batches(only: list[int] | None, batch_size: int) -> Iterator[list[dict[str, Any]]]:
    """Yield the unlinked events to link, by batches in id order: those of ``only``, or all of them."""
    pending = AuditEvent.objects.filter(seq__isnull=True).order_by("id").values(*_FIELDS)
    if only is not None:
        wanted = sorted(set(only))
        for start in range(0, len(wanted), batch_size):
            yield list(pending.filter(id__in=wanted[start : start + batch_size]))
        return
    last_id = 0
    while rows := list(pending.filter(id__gt=last_id)[:batch_size]):
        yield rows
        last_id = rows[-1]["id"]


@dataclass(frozen=True)
class LinkResult:
    linked: int
    late: list[int]  # ids of events found unlinked after the grace period, linked now
    forged: list[int]  # ids of unlinked events whose seal is wrong: kept out of the chain


def audit_link_pending(*, only: list[int] | None = None, batch_size: int = 1000) -> LinkResult:
    """Link committed unlinked events into the chain, in the order they were written; hold the head briefly.

    ``only``: the events a transaction just committed (the step run on commit). Without it, a catch-up: every
    unlinked event, reporting those that waited longer than ``APPUI_AUDIT_LINK_GRACE_SECONDS`` (the step run on
    commit should have linked them: a crash, or a window in which they could have been deleted unseen) and
    keeping out of the chain those whose seal is wrong.
    """
    ring = audit_keyring()
    catch_up = only is None
    grace = timestamp(timezone.now() - datetime.timedelta(seconds=settings.APPUI_AUDIT_LINK_GRACE_SECONDS))
    linked, late, forged = 0, [], []
    with transaction.atomic():
        head = _locked_head()
        seq, previous = head.seq, head.hash
        for rows in _pending_batches(only, batch_size):
            updates = []
            for row in map(_sealed_form, rows):
                if check_event(ring, row, purge_cutoff="") is not None:
                    forged.append(row["id"])
                    continue
                if catch_up and row["created_at"] < grace:
                    late.append(row["id"])
                seq += 1
                digest = link_hash(ring, key_id=row["key_id"], seq=seq, prev_hash=previous, mac=row["mac"])
                updates.append((seq, previous, digest, row["id"]))
                previous = digest
            if updates:
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL",
                        updates,
                    )
                linked += len(updates)
        if linked:
            AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=previous)
    if late:
        logger.warning("%d événement(s) d'audit chaîné(s) en retard (premier : id %d).", len(late), late[0])
    if forged:
        logger.error("%d événement(s) d'audit au sceau invalide, laissés hors de la chaîne.", len(forged))
    return LinkResult(linked=linked, late=late, forged=forged)


# --- Retention -------------------------------------------------------------------------------------------


def audit_retention_days() -> int:
    """Return how many days events keep their personal fields: the longer of the database's and the setting's."""
    stored = AuditRetention.objects.filter(pk=1).values_list("personal_days", flat=True).first()
    return max(stored or 0, settings.APPUI_AUDIT_PERSONAL_RETENTION_DAYS)


@transaction.atomic
def audit_retention_sync() -> int:
    """Write the configured retention in the database when it is longer; return the retention in force.

    The database triggers refuse a shorter one: shortening is the database owner's decision (docs/audit.md).
    """
    configured = settings.APPUI_AUDIT_PERSONAL_RETENTION_DAYS
    stored = AuditRetention.objects.select_for_update().filter(pk=1).first()
    if stored is None:
        AuditRetention.objects.create(pk=1, personal_days=configured)
    elif configured > stored.personal_days:
        stored.personal_days = configured
        stored.save(update_fields=["personal_days"])
    return audit_retention_days()


_PURGE = (
    "UPDATE audit_auditevent SET person_id = NULL, object_id = '', detail = %s "
    "WHERE created_at < %s AND seq IS NOT NULL AND (person_id IS NOT NULL OR object_id <> '' OR detail <> %s)"
)
_PURGE_PERSON = (
    "UPDATE audit_auditevent SET person_id = NULL, object_id = '', detail = %s "
    "WHERE created_at < %s AND seq IS NOT NULL AND (person_id IS NOT NULL OR object_id <> '' OR detail <> %s) "
    "AND person_id = %s"
)


def audit_purge_personal_fields(*, person_id: int | None = None) -> int:
    """Erase person id, object id and detail of the events older than the retention; return how many.

    CNIL: access logs are kept 6 to 12 months. The database triggers allow exactly this change, on linked events
    older than the retention, and nothing else; the chain stays verifiable because it covers a keyed digest of
    these fields, not the fields themselves. ``person_id``: only the events about this person (anonymisation).
    """
    days = audit_retention_sync()
    # One hour of margin: the triggers compare with the database's clock, which may differ a little from ours.
    cutoff = timezone.now() - datetime.timedelta(days=days, hours=1)
    with transaction.atomic(), connection.cursor() as cursor:
        if person_id is None:
            cursor.execute(_PURGE, ["{}", cutoff, "{}"])
        else:
            cursor.execute(_PURGE_PERSON, ["{}", cutoff, "{}", person_id])
        return cursor.rowcount


# --- Verification and anchoring --------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditReport:
    """What ``audit_verify`` found."""

    events: int  # linked events checked
    head_seq: int
    head_hash: str
    anchors: int
    in_flight: int  # unlinked events written too recently to be late
    late: list[int]
    forged: list[int]
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None and not self.late and not self.forged


class AuditBrokenError(Exception):
    """The journal is not intact: nothing is anchored."""

    def __init__(self, report: AuditReport):
        super().__init__("Journal d'audit altéré : rien n'est ancré.")
        self.report = report


class _Counted:
    def __init__(self, rows: Iterator[dict[str, Any]]):
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def audit_verify() -> AuditReport:
    """Link what is pending (catch-up), then check every event, the head and the external anchors."""
    link = audit_link_pending()
    ring = audit_keyring()
    broken: Break | None = None
    anchors: list[Anchor] = []
    anchor_file = configured_anchor_file()
    if anchor_file is not None:
        try:
            anchors = anchor_file.read()
        except AnchorFileError as exc:
            broken = Break(None, None, str(exc))
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    cutoff = timestamp(timezone.now() - datetime.timedelta(days=audit_retention_days()))
    # Rows up to the head read first: events linked meanwhile are left to the next run.
    rows = _Counted(
        map(
            _sealed_form,
            AuditEvent.objects.filter(seq__isnull=False, seq__lte=head_seq)
            .order_by("seq")
            .values(*_FIELDS)
            .iterator(chunk_size=2000),
        )
    )
    if broken is None:
        broken = verify(
            iter(rows), ring=ring, head_seq=head_seq, head_hash=head_hash, anchors=anchors, purge_cutoff=cutoff
        )
    if broken is None:
        broken = _beyond_head()
    in_flight = AuditEvent.objects.filter(seq__isnull=True).exclude(id__in=link.forged).count()
    return AuditReport(
        events=rows.count,
        head_seq=head_seq,
        head_hash=head_hash,
        anchors=len(anchors),
        in_flight=in_flight,
        late=link.late,
        forged=link.forged,
        broken=broken,
    )


def _beyond_head() -> Break | None:
    """Return a break if linked events lie beyond the head (a head moved back to hide the last events)."""
    last = AuditEvent.objects.filter(seq__isnull=False).aggregate(last=models.Max("seq"))["last"] or 0
    head = AuditChainHead.objects.filter(pk=1).first()  # read after ``last``: a linker may only move it forward
    if last > (head.seq if head else 0):
        return Break(last, None, "événements chaînés au-delà de la tête de chaîne (tête déplacée ou supprimée)")
    return None


def audit_anchor() -> Anchor:
    """Check the whole journal, then append its signed head to the anchor file kept outside the database.

    Raise ``AuditBrokenError`` (nothing written) when the journal is not intact.
    """
    anchor_file = configured_anchor_file()
    if anchor_file is None:
        raise ImproperlyConfigured("APPUI_AUDIT_ANCHOR_DIR n'est pas défini : aucun endroit où ancrer le journal.")
    report = audit_verify()
    if not report.intact:
        raise AuditBrokenError(report)
    anchor = Anchor.sign(audit_keyring(), seq=report.head_seq, hash=report.head_hash, at=timestamp(timezone.now()))
    anchor_file.append(anchor)
    return anchor
