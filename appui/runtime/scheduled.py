"""The scheduled jobs: each calls its domain's service and says what it did (see ``schedule.SCHEDULE``).

These functions only call services and word their result; the rules (what is due, what is erased, who gets a
reminder) stay in the domain apps.
"""

import datetime
from collections import Counter
from typing import Any

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
    """Erase the personal fields of audit events older than the retention (appui.audit.services)."""
    from appui.audit.services import audit_purge_personal_fields, audit_retention_days

    count = audit_purge_personal_fields()
    return JobReport(
        f"Données personnelles effacées dans {_plural(count, 'événement', 'événements')} du journal "
        f"(conservation : {audit_retention_days()} jours)."
    )


def _audit_failure(report: Any) -> str:
    """Word what ``audit_verify`` found wrong, as ``manage.py verify_audit`` does (no person, no detail)."""
    parts = []
    if report.broken is not None:
        where = f"événement n° {report.broken.seq}" if report.broken.seq is not None else "fichier des ancres"
        parts.append(f"Journal des accès altéré : premier événement en cause : {where} — {report.broken.reason}.")
    if report.forged:
        parts.append(f"{len(report.forged)} événement(s) au sceau invalide, laissé(s) hors de la chaîne.")
    if report.late:
        parts.append(
            f"{len(report.late)} événement(s) chaîné(s) en retard (arrêt brutal d'un processus ?) : cherchez la cause."
        )
    return " ".join(parts) + " Prévenez l'administrateur et le DPO (manage.py verify_audit donne le détail)."


def verify_audit(*, slot: datetime.datetime) -> JobReport:
    """Link what is pending, check the whole audit journal, and anchor its head outside the database when an
    anchor directory is configured (appui.audit.services); anything wrong is a failure to show."""
    from appui.audit.anchors import configured_anchor_file
    from appui.audit.services import AuditBrokenError, audit_anchor, audit_verify

    if configured_anchor_file() is None:
        report = audit_verify()
        if not report.intact:
            raise JobFailedError(_audit_failure(report))
        return JobReport(
            "Journal des accès intact. Sa tête n'est pas gardée hors de la base : l'administrateur doit configurer "
            "un répertoire d'ancres (APPUI_AUDIT_ANCHOR_DIR)."
        )
    try:
        audit_anchor()
    except AuditBrokenError as exc:
        raise JobFailedError(_audit_failure(exc.report)) from exc
    return JobReport("Journal des accès intact ; tête de la chaîne ancrée hors de la base.")


def link_audit(*, slot: datetime.datetime) -> JobReport:
    """Link the audit events a stopped process left unlinked (the catch-up of appui.audit.services)."""
    from appui.audit.services import audit_link_pending

    result = audit_link_pending()
    if result.late or result.forged:
        raise JobFailedError(
            f"{len(result.late)} événement(s) du journal chaîné(s) en retard, {len(result.forged)} au sceau "
            "invalide. Prévenez l'administrateur et le DPO."
        )
    return JobReport(f"{_plural(result.linked, 'événement chaîné', 'événements chaînés')}.")


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
    if not count:
        return JobReport("Aucun repérage échoué à effacer.")
    return JobReport(f"Foyers gardés effacés pour {_plural(count, 'repérage échoué', 'repérages échoués')}.")


def monthly_activity_reports(*, month: datetime.date) -> JobReport:
    """Produce the month's activity report of every active structure (appui.reporting.reports; idempotent)."""
    from appui.accounts.models import Structure
    from appui.reporting.reports import monthly_report_generate

    by_structure = {}
    created = 0
    for structure in Structure.objects.active().order_by("pk"):
        report, new = monthly_report_generate(structure=structure, month=month)
        created += new
        by_structure[structure.pk] = f"Rapport d'activité de {month:%m/%Y} " + ("produit." if new else "déjà produit.")
    return JobReport(
        f"Rapports d'activité de {month:%m/%Y} : {_plural(created, 'rapport produit', 'rapports produits')}.",
        by_structure,
    )
