"""Chain the events written before the hash chain existed, then replace the append-only triggers.

The new triggers still refuse every DELETE and every UPDATE, except the one retention needs: erasing the
personal fields (person id, object id, detail) of an event while leaving every other column as it was.
"""

import hashlib
import json

from django.db import migrations

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_delete ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""
POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.seq IS NOT DISTINCT FROM OLD.seq
       AND NEW.hash = OLD.hash AND NEW.prev_hash = OLD.prev_hash
       AND NEW.personal_digest = OLD.personal_digest AND NEW.created_at = OLD.created_at
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.structure_id IS NOT DISTINCT FROM OLD.structure_id
       AND NEW.action = OLD.action AND NEW.purpose = OLD.purpose AND NEW.object_type = OLD.object_type
       AND NEW.person_id IS NULL AND NEW.object_id = '' AND NEW.detail = '{}'::jsonb THEN
        RETURN NEW;  -- retention: personal fields erased, facts kept
    END IF;
    RAISE EXCEPTION 'audit_auditevent est en ajout seul : % interdit', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
]
SQLITE_CREATE = [
    """CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
       WHEN NOT (
           NEW.id = OLD.id AND NEW.seq IS OLD.seq AND NEW.hash = OLD.hash AND NEW.prev_hash = OLD.prev_hash
           AND NEW.personal_digest = OLD.personal_digest AND NEW.created_at = OLD.created_at
           AND NEW.actor_id IS OLD.actor_id AND NEW.structure_id IS OLD.structure_id
           AND NEW.action = OLD.action AND NEW.purpose = OLD.purpose AND NEW.object_type = OLD.object_type
           AND NEW.person_id IS NULL AND NEW.object_id = '' AND json(NEW.detail) = '{}'
       )
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent est en ajout seul : UPDATE interdit'); END;""",
    """CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent est en ajout seul : DELETE interdit'); END;""",
]


def _drop(schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, None)


def _create(schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE, None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement, None)


GENESIS = "0" * 64


# The unkeyed chain of this version, frozen here: appui.audit.chain has moved on to a keyed one (0008).
def personal_digest(*, object_id, person_id, detail):
    payload = json.dumps([object_id, person_id, detail], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def event_hash(*, seq, prev_hash, created_at, actor_id, structure_id, action, purpose, object_type, personal):
    payload = json.dumps(
        [seq, prev_hash, created_at, actor_id, structure_id, action, purpose, object_type, personal],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def forwards(apps, schema_editor):
    _drop(schema_editor)
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    previous, seq = GENESIS, 0
    for event in AuditEvent.objects.order_by("id").iterator():
        seq += 1
        event.seq, event.prev_hash = seq, previous
        event.personal_digest = personal_digest(object_id=event.object_id, person_id=event.person_id, detail=event.detail)
        event.hash = event_hash(
            seq=seq,
            prev_hash=previous,
            created_at=event.created_at.isoformat(),
            actor_id=event.actor_id,
            structure_id=event.structure_id,
            action=event.action,
            purpose=event.purpose,
            object_type=event.object_type,
            personal=event.personal_digest,
        )
        AuditEvent.objects.filter(pk=event.pk).update(
            seq=event.seq, prev_hash=event.prev_hash, personal_digest=event.personal_digest, hash=event.hash
        )
        previous = event.hash
    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": previous})
    _create(schema_editor)


def backwards(apps, schema_editor):
    _drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_hash_chain")]

    operations = [migrations.RunPython(forwards, backwards)]
