"""Seal the audit chain with a key kept outside the database, link events after commit, enforce the retention.

- Each event gets a random ``uid``, the id of the key that seals it and a ``mac`` (chain.py); the chain hash
  becomes a keyed one. Events already written are checked against the former (unkeyed) chain first: a broken
  chain stops the migration rather than being sealed as if it were intact.
- ``AuditRetention`` holds the retention the triggers enforce, taken from APPUI_AUDIT_PERSONAL_RETENTION_DAYS.
- The triggers allow exactly two updates of an event: linking it once into the chain, and erasing its
  personal fields once it is older than the retention. The head only moves forward; the retention only grows.

SQLite rebuilds a table on some schema changes and drops its triggers with it: they are dropped first and
created again at the end.
"""

import hashlib
import json
import uuid

from django.conf import settings
from django.db import migrations, models

OLD_POSTGRES_DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_delete ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""
OLD_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
]

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
DECLARE
    same_event boolean;
    retention integer;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        same_event := NEW.id = OLD.id AND NEW.uid = OLD.uid AND NEW.key_id = OLD.key_id AND NEW.mac = OLD.mac
            AND NEW.personal_digest = OLD.personal_digest AND NEW.created_at = OLD.created_at
            AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
            AND NEW.structure_id IS NOT DISTINCT FROM OLD.structure_id
            AND NEW.action = OLD.action AND NEW.purpose = OLD.purpose AND NEW.object_type = OLD.object_type;
        IF same_event AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND OLD.prev_hash = '' AND OLD.hash = ''
           AND length(NEW.prev_hash) = 64 AND length(NEW.hash) = 64
           AND NEW.person_id IS NOT DISTINCT FROM OLD.person_id AND NEW.object_id = OLD.object_id
           AND NEW.detail = OLD.detail THEN
            RETURN NEW;  -- linked into the chain, once
        END IF;
        SELECT personal_days INTO retention FROM audit_auditretention WHERE id = 1;
        IF same_event AND OLD.seq IS NOT NULL AND NEW.seq = OLD.seq
           AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash
           AND NEW.person_id IS NULL AND NEW.object_id = '' AND NEW.detail = '{}'::jsonb
           AND retention IS NOT NULL AND OLD.created_at < now() - make_interval(days => retention) THEN
            RETURN NEW;  -- retention: personal fields erased, facts kept
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_auditevent est en ajout seul : % interdit (seuls le chaînage et l''effacement après la durée de conservation sont permis)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();

CREATE OR REPLACE FUNCTION audit_auditchainhead_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id
       AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditchainhead : la tête de chaîne ne fait qu''avancer (% interdit)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditchainhead_forward_only BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_auditchainhead_forward_only();

CREATE OR REPLACE FUNCTION audit_auditretention_grow_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.personal_days >= OLD.personal_days THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditretention : la durée de conservation du journal ne se raccourcit pas depuis l''application (% interdit)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditretention_grow_only BEFORE UPDATE OR DELETE ON audit_auditretention
    FOR EACH ROW EXECUTE FUNCTION audit_auditretention_grow_only();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_delete ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
DROP TRIGGER IF EXISTS audit_auditchainhead_forward_only ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_auditchainhead_forward_only();
DROP TRIGGER IF EXISTS audit_auditretention_grow_only ON audit_auditretention;
DROP FUNCTION IF EXISTS audit_auditretention_grow_only();
"""

_SAME_EVENT = """
    NEW.id = OLD.id AND NEW.uid = OLD.uid AND NEW.key_id = OLD.key_id AND NEW.mac = OLD.mac
    AND NEW.personal_digest = OLD.personal_digest AND NEW.created_at = OLD.created_at
    AND NEW.actor_id IS OLD.actor_id AND NEW.structure_id IS OLD.structure_id
    AND NEW.action = OLD.action AND NEW.purpose = OLD.purpose AND NEW.object_type = OLD.object_type
"""
_LINK = """
    OLD.seq IS NULL AND NEW.seq IS NOT NULL AND OLD.prev_hash = '' AND OLD.hash = ''
    AND length(NEW.prev_hash) = 64 AND length(NEW.hash) = 64
    AND NEW.person_id IS OLD.person_id AND NEW.object_id = OLD.object_id AND NEW.detail = OLD.detail
"""
_PURGE = """
    OLD.seq IS NOT NULL AND NEW.seq = OLD.seq AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash
    AND NEW.person_id IS NULL AND NEW.object_id = '' AND json(NEW.detail) = '{}'
    AND julianday(OLD.created_at) < julianday('now') - (SELECT personal_days FROM audit_auditretention WHERE id = 1)
"""
SQLITE_CREATE = [
    # COALESCE: a missing retention row makes the comparison NULL, which must refuse, not allow.
    f"""CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
       WHEN NOT COALESCE(({_SAME_EVENT}) AND (({_LINK}) OR ({_PURGE})), 0)
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent est en ajout seul : UPDATE interdit (seuls le chaînage et l''effacement après la durée de conservation sont permis)'); END;""",
    """CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent est en ajout seul : DELETE interdit'); END;""",
    """CREATE TRIGGER audit_auditchainhead_forward_only BEFORE UPDATE ON audit_auditchainhead
       WHEN NOT (NEW.id = OLD.id AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)))
       BEGIN SELECT RAISE(ABORT, 'audit_auditchainhead : la tête de chaîne ne fait qu''avancer'); END;""",
    """CREATE TRIGGER audit_auditchainhead_no_delete BEFORE DELETE ON audit_auditchainhead
       BEGIN SELECT RAISE(ABORT, 'audit_auditchainhead : la tête de chaîne ne fait qu''avancer'); END;""",
    """CREATE TRIGGER audit_auditretention_grow_only BEFORE UPDATE ON audit_auditretention
       WHEN NOT (NEW.id = OLD.id AND NEW.personal_days >= OLD.personal_days)
       BEGIN SELECT RAISE(ABORT, 'audit_auditretention : la durée de conservation du journal ne se raccourcit pas depuis l''application'); END;""",
    """CREATE TRIGGER audit_auditretention_no_delete BEFORE DELETE ON audit_auditretention
       BEGIN SELECT RAISE(ABORT, 'audit_auditretention : la durée de conservation du journal ne se raccourcit pas depuis l''application'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
    "DROP TRIGGER IF EXISTS audit_auditchainhead_forward_only;",
    "DROP TRIGGER IF EXISTS audit_auditchainhead_no_delete;",
    "DROP TRIGGER IF EXISTS audit_auditretention_grow_only;",
    "DROP TRIGGER IF EXISTS audit_auditretention_no_delete;",
]


def _execute(schema_editor, postgres, sqlite):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(postgres, None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement, None)


def drop_old_triggers(apps, schema_editor):
    _execute(schema_editor, OLD_POSTGRES_DROP, OLD_SQLITE_DROP)


def create_triggers(apps, schema_editor):
    _execute(schema_editor, POSTGRES_CREATE, SQLITE_CREATE)


def drop_triggers(apps, schema_editor):
    _execute(schema_editor, POSTGRES_DROP, SQLITE_DROP)


def _legacy_personal(event):
    payload = json.dumps(
        [event.object_id, event.person_id, event.detail], sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _legacy_hash(event, personal):
    payload = json.dumps(
        [
            event.seq,
            event.prev_hash,
            event.created_at.isoformat(),
            event.actor_id,
            event.structure_id,
            event.action,
            event.purpose,
            event.object_type,
            personal,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def seal_existing(apps, schema_editor):
    from appui.audit.chain import GENESIS, event_mac, link_hash, personal_digest, timestamp
    from appui.audit.keys import audit_keyring

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditRetention = apps.get_model("audit", "AuditRetention")
    AuditRetention.objects.update_or_create(
        pk=1, defaults={"personal_days": settings.APPUI_AUDIT_PERSONAL_RETENTION_DAYS}
    )
    head = AuditChainHead.objects.filter(pk=1).first()
    if not AuditEvent.objects.exists():
        AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
        return
    ring = audit_keyring()  # raises, in French, when no key ring is configured
    empty = _legacy_personal(AuditEvent(object_id="", person_id=None, detail={}))
    previous, expected = GENESIS, 1
    new_previous = GENESIS
    for event in AuditEvent.objects.order_by("seq", "id").iterator(chunk_size=2000):
        personal = _legacy_personal(event)
        if (
            event.seq != expected
            or event.prev_hash != previous
            or (personal != event.personal_digest and personal != empty)
            or _legacy_hash(event, event.personal_digest) != event.hash
        ):
            raise RuntimeError(
                f"Le journal d'audit existant est altéré (événement n° {event.seq}, id {event.pk}) : "
                "vérifiez-le avec verify_audit (version précédente) avant de migrer."
            )
        previous, expected = event.hash, expected + 1
        uid = uuid.uuid4()
        digest = personal_digest(
            ring,
            key_id=ring.current,
            uid=str(uid),
            object_id=event.object_id,
            person_id=event.person_id,
            detail=event.detail,
        )
        mac = event_mac(
            ring,
            key_id=ring.current,
            uid=str(uid),
            created_at=timestamp(event.created_at),
            actor_id=event.actor_id,
            structure_id=event.structure_id,
            action=event.action,
            purpose=event.purpose,
            object_type=event.object_type,
            personal=digest,
        )
        new_hash = link_hash(ring, key_id=ring.current, seq=event.seq, prev_hash=new_previous, mac=mac)
        AuditEvent.objects.filter(pk=event.pk).update(
            uid=uid, key_id=ring.current, personal_digest=digest, mac=mac, prev_hash=new_previous, hash=new_hash
        )
        new_previous = new_hash
    if head is None or head.seq != expected - 1 or head.hash != previous:
        raise RuntimeError(
            "Le journal d'audit existant est altéré (ses derniers événements ne correspondent plus à la tête de "
            "chaîne) : vérifiez-le avec verify_audit (version précédente) avant de migrer."
        )
    AuditChainHead.objects.filter(pk=1).update(seq=expected - 1, hash=new_previous)


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_more_actions_2")]

    operations = [
        migrations.RunPython(drop_old_triggers),
        migrations.AddField(
            model_name="auditevent",
            name="uid",
            field=models.UUIDField(null=True, verbose_name="identifiant unique"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="", max_length=32, verbose_name="clé de scellement"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(default="", max_length=64, verbose_name="sceau"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="personal_digest",
            field=models.CharField(max_length=64, verbose_name="empreinte des données personnelles"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name="numéro d'ordre"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(condition=models.Q(("seq__isnull", True)), fields=["id"], name="audit_unlinked"),
        ),
        migrations.CreateModel(
            name="AuditRetention",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "personal_days",
                    models.PositiveIntegerField(verbose_name="conservation des données personnelles (jours)"),
                ),
            ],
            options={
                "verbose_name": "durée de conservation du journal d'audit",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("pk", 1)), name="audit_retention_single_row"),
                    models.CheckConstraint(
                        condition=models.Q(("personal_days__gte", 1)), name="audit_retention_positive"
                    ),
                ],
            },
        ),
        migrations.RunPython(seal_existing),
        migrations.AlterField(
            model_name="auditevent",
            name="uid",
            field=models.UUIDField(unique=True, verbose_name="identifiant unique"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("person.view", "Consultation d'une fiche"),
                    ("person.create", "Création d'une fiche"),
                    ("person.update", "Modification d'une fiche"),
                    ("household.member_add", "Ajout d'un membre du foyer"),
                    ("household.member_remove", "Retrait d'un membre du foyer"),
                    ("accompaniment.view", "Consultation d'un accompagnement"),
                    ("accompaniment.create", "Enregistrement d'un accompagnement"),
                    ("accompaniment.update", "Modification d'un accompagnement"),
                    ("export", "Export"),
                    ("rights.screening_run", "Simulation des droits"),
                    ("rights.screening_view", "Consultation d'une simulation des droits"),
                    ("rights.status_update", "Suivi d'un droit"),
                    ("rights.caseload_screening", "Repérage du non-recours sur une file active"),
                    ("rights.caseload_result_view", "Consultation du résultat d'un repérage du non-recours"),
                    ("rights.caseload_result_export", "Export du résultat d'un repérage du non-recours"),
                    ("diagnostics.create", "Diagnostic d'autonomie numérique"),
                    ("diagnostics.view", "Consultation d'un diagnostic"),
                    ("guides.override", "Adaptation locale d'un guide"),
                    ("mandates.create", "Création d'un mandat"),
                    ("mandates.revoke", "Révocation d'un mandat"),
                    ("mandates.use", "Utilisation d'un mandat"),
                    ("mandates.view", "Consultation d'un mandat"),
                    ("documents.upload", "Dépôt d'un document"),
                    ("documents.download", "Téléchargement d'un document"),
                    ("documents.delete", "Suppression d'un document"),
                    ("person.archive", "Archivage d'une fiche"),
                    ("person.anonymise", "Anonymisation d'une fiche"),
                    ("person.delete", "Suppression définitive d'une fiche"),
                    ("retention.elimination_approve", "Validation d'une liste d'élimination"),
                    ("person.access_export", "Export du droit d'accès (RGPD art. 15)"),
                    ("person.rights_request", "Demande d'exercice de droits"),
                    ("service_alerts.create", "Signalement d'un service en ligne"),
                    ("structure.create", "Création d'une structure"),
                    ("member.invite", "Invitation d'un membre"),
                    ("member.invitation_send", "Envoi d'une invitation par e-mail"),
                    ("member.deactivate", "Désactivation d'un membre"),
                    ("member.reactivate", "Réactivation d'un membre"),
                    ("user.create", "Création d'un compte"),
                    ("auth.second_factor_enroll", "Activation de la double authentification"),
                    ("auth.second_factor_reset", "Réinitialisation de la double authentification"),
                    ("api_token.create", "Création d'un jeton d'API"),
                    ("api_token.revoke", "Révocation d'un jeton d'API"),
                    ("access.refused", "Accès refusé"),
                ],
                max_length=40,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("accompagnement", "Accompagnement de la personne"),
                    ("administration", "Administration de la structure"),
                    ("controle_rgpd", "Contrôle de la protection des données"),
                    ("statistiques", "Statistiques d'activité"),
                    ("securite", "Sécurité du service"),
                ],
                max_length=30,
                verbose_name="finalité",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
