import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from appui.audit.anchors import AnchorFileError
from appui.audit.services import AuditBrokenError, AuditReport, audit_anchor, audit_verify


class Command(BaseCommand):
    help = (
        "Vérifie le journal d'audit (sceaux, chaînage, ancres externes) après avoir chaîné les événements en "
        "attente ; code de sortie 0 s'il est intact. Avec --anchor, ajoute ensuite la tête vérifiée au fichier "
        "des ancres (APPUI_AUDIT_ANCHOR_DIR)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--anchor",
            action="store_true",
            help="Ancrer la tête de chaîne vérifiée hors de la base (tâche quotidienne).",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["anchor"]:
            try:
                anchor = audit_anchor()
            except AuditBrokenError as exc:
                self._fail(exc.report)
            except (ImproperlyConfigured, AnchorFileError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"Journal d'audit intact ; tête ancrée hors de la base : événement n° {anchor.seq} ({anchor.at})."
                )
            )
            return
        report = audit_verify()
        if not report.intact:
            self._fail(report)
        self.stdout.write(
            self.style.SUCCESS(
                f"Journal d'audit intact ({report.events} événements, {report.anchors} ancre(s) externe(s) vérifiée(s)"
                + (f", {report.in_flight} en cours de chaînage" if report.in_flight else "")
                + ")."
            )
        )

    def _fail(self, report: AuditReport) -> None:
        broken = report.broken
        if broken is not None:
            where = (
                f"événement n° {broken.seq}" + (f" (id {broken.event_id})" if broken.event_id else "")
                if broken.seq is not None
                else "fichier des ancres"
            )
            self.stderr.write(f"Journal d'audit altéré : premier événement en cause : {where} — {broken.reason}.")
        if report.forged:
            ids = ", ".join(str(pk) for pk in report.forged[:20])
            self.stderr.write(
                f"Journal d'audit altéré : {len(report.forged)} événement(s) au sceau invalide, écrit(s) hors de "
                f"l'application et laissé(s) hors de la chaîne (id {ids})."
            )
        if report.late:
            ids = ", ".join(str(pk) for pk in report.late[:20])
            self.stderr.write(
                f"Anomalie : {len(report.late)} événement(s) n'étaient pas encore chaînés plusieurs minutes après leur "
                f"écriture (id {ids}) ; ils viennent de l'être. Cherchez la cause (arrêt brutal d'un processus ?)."
            )
        sys.exit(1)
