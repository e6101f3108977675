"""The audit chain: how events are sealed and linked, and how the whole journal is checked.

Three keyed digests (HMAC-SHA-256, keys outside the database, see ``keys.py``):

- ``personal_digest`` covers the personal fields (object id, person id, detail) and the event's random ``uid``.
  Retention erases these fields after their time; the digest stays, and without the key nobody can find out
  from it whom the event was about.
- ``mac`` seals the event itself (uid, key id, time, author, structure, action, purpose, object type, personal
  digest). It is computed when the event is written, inside the transaction of the change it describes, so an
  event written directly in the database, or copied from another row, is recognised as forged.
- ``hash`` links the event into the chain: ``HMAC(seq, previous hash, mac)``. Events are linked after their
  transaction commits, in commit order, by a short separate step (``services.audit_link_pending``).

Anchors are signed copies of the chain's head (seq, hash, time) kept outside the database: an anchored event
that the chain no longer holds, or holds with another hash, reveals a truncated or recomputed chain.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .keys import AuditKeyRing, UnknownAuditKeyError

GENESIS = "0" * 64


def timestamp(value: datetime.datetime) -> str:
    """Return the canonical UTC form of an event time, as sealed."""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def personal_digest(
    ring: AuditKeyRing, *, key_id: str, uid: str, object_id: str, person_id: int | None, detail: dict[str, Any]
) -> str:
    return ring.mac(key_id, ["personal", uid, object_id, person_id, detail])


def event_mac(
    ring: AuditKeyRing,
    *,
    key_id: str,
    uid: str,
    created_at: str,
    actor_id: int | None,
    structure_id: int | None,
    action: str,
    purpose: str,
    object_type: str,
    personal: str,
) -> str:
    return ring.mac(
        key_id, ["event", uid, key_id, created_at, actor_id, structure_id, action, purpose, object_type, personal]
    )


def link_hash(ring: AuditKeyRing, *, key_id: str, seq: int, prev_hash: str, mac: str) -> str:
    return ring.mac(key_id, ["link", seq, prev_hash, mac])


@dataclass(frozen=True)
class Anchor:
    """A signed copy of the chain's head, written outside the database."""

    seq: int
    hash: str
    at: str
    key_id: str
    signature: str

    @staticmethod
    def sign(ring: AuditKeyRing, *, seq: int, hash: str, at: str) -> "Anchor":
        key_id = ring.current
        return Anchor(seq=seq, hash=hash, at=at, key_id=key_id, signature=anchor_signature(ring, key_id, seq, hash, at))

    def is_authentic(self, ring: AuditKeyRing) -> bool:
        try:
            return anchor_signature(ring, self.key_id, self.seq, self.hash, self.at) == self.signature
        except UnknownAuditKeyError:
            return False

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "at": self.at, "key_id": self.key_id, "signature": self.signature}


def anchor_signature(ring: AuditKeyRing, key_id: str, seq: int, hash: str, at: str) -> str:
    return ring.mac(key_id, ["anchor", seq, hash, at])


@dataclass(frozen=True)
class Break:
    seq: int | None
    event_id: int | None
    reason: str


def is_blank(row: dict[str, Any]) -> bool:
    return row["person_id"] is None and row["object_id"] == "" and not row["detail"]


def check_event(ring: AuditKeyRing, row: dict[str, Any], *, purge_cutoff: str) -> str | None:
    """Return why an event (linked or not) is not authentic, or None. ``created_at`` is the sealed form."""
    try:
        personal = personal_digest(
            ring,
            key_id=row["key_id"],
            uid=row["uid"],
            object_id=row["object_id"],
            person_id=row["person_id"],
            detail=row["detail"],
        )
    except UnknownAuditKeyError:
        return f"clé d'audit inconnue « {row['key_id']} » (événement écrit hors de l'application ?)"
    if personal != row["personal_digest"]:
        if not is_blank(row):
            return "données personnelles modifiées"
        if row["created_at"] >= purge_cutoff:
            return "données personnelles effacées avant la fin de la durée de conservation"
    recomputed = event_mac(
        ring,
        key_id=row["key_id"],
        uid=row["uid"],
        created_at=row["created_at"],
        actor_id=row["actor_id"],
        structure_id=row["structure_id"],
        action=row["action"],
        purpose=row["purpose"],
        object_type=row["object_type"],
        personal=row["personal_digest"],
    )
    if recomputed != row["mac"]:
        return "contenu modifié, ou événement écrit hors de l'application"
    return None


def verify(
    rows: Iterator[dict[str, Any]],
    *,
    ring: AuditKeyRing,
    head_seq: int,
    head_hash: str,
    anchors: Iterable[Anchor],
    purge_cutoff: str,
) -> Break | None:
    """Check the linked events (``rows`` in ``seq`` order) and the anchors; return the first break, or None.

    ``purge_cutoff`` (sealed time form): events written at or after it must still hold their personal fields.
    """
    anchored: dict[int, Anchor] = {}
    for anchor in anchors:
        if not anchor.is_authentic(ring):
            return Break(anchor.seq, None, f"ancre externe du {anchor.at} falsifiée (signature invalide)")
        anchored[anchor.seq] = anchor
    expected_seq, previous = 1, GENESIS
    for row in rows:
        if row["seq"] != expected_seq:
            reason = "événement(s) supprimé(s) avant celui-ci" if row["seq"] > expected_seq else "événement inséré"
            return Break(row["seq"], row["id"], reason)
        if row["prev_hash"] != previous:
            return Break(row["seq"], row["id"], "lien avec l'événement précédent rompu (insertion ou suppression)")
        problem = check_event(ring, row, purge_cutoff=purge_cutoff)
        if problem is not None:
            return Break(row["seq"], row["id"], problem)
        if (
            link_hash(ring, key_id=row["key_id"], seq=row["seq"], prev_hash=row["prev_hash"], mac=row["mac"])
            != row["hash"]
        ):
            return Break(row["seq"], row["id"], "chaînage modifié (empreinte recalculée hors de l'application)")
        at_seq = anchored.get(row["seq"])
        if at_seq is not None and at_seq.hash != row["hash"]:
            return Break(
                row["seq"], row["id"], f"ne correspond plus à l'ancre externe du {at_seq.at} (chaîne recalculée)"
            )
        previous, expected_seq = row["hash"], expected_seq + 1
    last = expected_seq - 1
    beyond = sorted(seq for seq in anchored if seq > last)
    if beyond:
        anchor = anchored[beyond[0]]
        return Break(
            anchor.seq,
            None,
            f"événement ancré le {anchor.at} absent de la chaîne (derniers événements supprimés)",
        )
    if last != head_seq or previous != head_hash:
        return Break(last + 1, None, "derniers événements supprimés (la tête de chaîne ne correspond plus)")
    return None
