"""The scheduled jobs: each calls its domain's service and says what it did (see ``schedule.SCHEDULE``).

These functions only call services and word their result; the rules (what is due, what is erased, who gets a
reminder) stay in the domain apps.
"""

import datetime
from collections import Counter

from django.conf import settings
from django.utils import timezone

from .schedule import JobFailedError, JobReport


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count < 2 else many}"


def apply_retention(*, slot: datetime.datetime) -> JobReport:
    """Archive, anonymise or list for elimination what is due (appui.people.retention)."""
    from appui.people.retention import apply_retention as apply

    report = apply()
    archived = Counter(p.structure_id for p in report.archived)
    anonymised = Counter(p.structure_id for p in report.anonymised)
    listed = {structure.pk: len(persons) for structure, persons in report.listed.items()}
    by_structure = {}
    for structure_id in set(archived) | set(anonymised) | set(listed):
        parts = []
        if archived[structure_id]:
            parts.append(_plural(archived[structure_id], "fiche archivée", "fiches archivées"))
        if anonymised[structure_id]:
            parts.append(_plural(anonymised[structure_id], "fiche anonymisée", "fiches anonymisées"))
        if listed.get(structure_id):
            parts.append(_plural(listed[structure_id], "fiche proposée", "fiches proposées") + " à l'élimination")
        by_structure[structure_id] = "Dans votre structure : " + ", ".join(parts) + "."
    return JobReport("Durées de conservation appliquées.", by_structure)


def purge_audit(*, slot: datetime.datetime) -> JobReport:
    """Erase the personal fields of old audit events (appui.audit.services)."""
    from appui.audit.services import audit_purge_personal_fields

    days = settings.APPUI_AUDIT_PERSONAL_RETENTION_DAYS
    count = audit_purge_personal_fields(older_than=timezone.now() - datetime.timedelta(days=days))
    return JobReport(
        f"{_plural(count, 'événement', 'événements')} du journal effacé(s) de leurs données personnelles "
        f"(conservation : {days} jours)."
    )


def verify_audit(*, slot: datetime.datetime) -> JobReport:
    """Check the audit chain; a break is a failure to show."""
    from appui.audit.services import audit_verify

    broken = audit_verify()
    if broken is not None:
        where = f"événement n° {broken.seq}" if broken.seq is not None else "tête de la chaîne"
        raise JobFailedError(f"Journal des accès altéré : premier événement en cause : {where} — {broken.reason}.")
    return JobReport("Journal des accès intact.")


def mandate_reminders(*, slot: datetime.datetime) -> JobReport:
    from appui.mandates.services import mandate_reminders_send

    count = mandate_reminders_send()
    return JobReport(f"{_plural(count, 'rappel envoyé', 'rappels envoyés')}.")


def document_reminders(*, slot: datetime.datetime) -> JobReport:
    from appui.documents.services import document_reminders_send

    count = document_reminders_send()
    return JobReport(f"{_plural(count, 'rappel envoyé', 'rappels envoyés')}.")


def clean_task_history(*, slot: datetime.datetime) -> JobReport:
    """Forget finished background tasks, old scheduled runs and long-gone workers (appui.runtime.services)."""
    from .services import task_history_prune

    pruned = task_history_prune(now=timezone.now())
    return JobReport(
        f"{_plural(pruned.tasks, 'tâche terminée oubliée', 'tâches terminées oubliées')}, "
        f"{_plural(pruned.runs, 'exécution planifiée oubliée', 'exécutions planifiées oubliées')}."
    )


def purge_failed_caseloads(*, slot: datetime.datetime) -> JobReport:
    """Erase the households kept by caseload screenings that failed more than 7 days ago (appui.rights.jobs)."""
    from appui.rights.jobs import caseload_inputs_purge

    count = caseload_inputs_purge(older_than=timezone.now() - datetime.timedelta(days=7))
    return JobReport(f"{_plural(count, 'donnée effacée', 'données effacées')} de repérages échoués.")
