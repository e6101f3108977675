"""The audit hash chain: how an event's hash is computed, and how the whole chain is checked."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def personal_digest(*, object_id: str, person_id: int | None, detail: dict[str, Any]) -> str:
    payload = json.dumps([object_id, person_id, detail], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


EMPTY_PERSONAL_DIGEST = personal_digest(object_id="", person_id=None, detail={})


def event_hash(
    *,
    seq: int,
    prev_hash: str,
    created_at: str,
    actor_id: int | None,
    structure_id: int | None,
    action: str,
    purpose: str,
    object_type: str,
    personal: str,
) -> str:
    payload = json.dumps(
        [seq, prev_hash, created_at, actor_id, structure_id, action, purpose, object_type, personal],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int | None
    event_id: int | None
    reason: str


def verify(rows: Iterator[dict[str, Any]], head_seq: int, head_hash: str) -> Break | None:
    """Check the chain; return the first break, or None when intact. ``rows`` come in ``seq`` order."""
    expected_seq, previous = 1, GENESIS
    for row in rows:
        if row["seq"] != expected_seq:
            reason = "événement(s) supprimé(s) avant celui-ci" if row["seq"] > expected_seq else "événement inséré"
            return Break(row["seq"], row["id"], reason)
        if row["prev_hash"] != previous:
            return Break(row["seq"], row["id"], "lien avec l'événement précédent rompu (insertion ou suppression)")
        personal = personal_digest(object_id=row["object_id"], person_id=row["person_id"], detail=row["detail"])
        purged = personal == EMPTY_PERSONAL_DIGEST
        if not purged and personal != row["personal_digest"]:
            return Break(row["seq"], row["id"], "données personnelles modifiées")
        recomputed = event_hash(
            seq=row["seq"],
            prev_hash=row["prev_hash"],
            created_at=row["created_at"],
            actor_id=row["actor_id"],
            structure_id=row["structure_id"],
            action=row["action"],
            purpose=row["purpose"],
            object_type=row["object_type"],
            personal=row["personal_digest"],
        )
        if recomputed != row["hash"]:
            return Break(row["seq"], row["id"], "contenu modifié")
        previous, expected_seq = row["hash"], expected_seq + 1
    if expected_seq - 1 != head_seq or previous != head_hash:
        return Break(expected_seq, None, "derniers événements supprimés (la tête de chaîne ne correspond plus)")
    return None
