"""Caseload screening ("repérage du non-recours") from the command line, with a progress bar.

It runs in this process, chunk after chunk, with the same code as the background workers (no worker needed).

manage.py screen_caseload --job 12                       # run a pending job launched from the web or the API
manage.py screen_caseload --structure 3 --user a@b.fr   # every person of the structure
manage.py screen_caseload --structure 3 --user a@b.fr --csv foyers.csv --output resultats.csv
manage.py screen_caseload --structure 3 --user a@b.fr --csv foyers.csv --mois 2026-01   # législation de janvier
"""

import time
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from appui.accounts.models import Membership
from appui.rights import services
from appui.rights.csv_format import CsvFormatError, decode
from appui.rights.enums import CaseloadSource, CaseloadStatus
from appui.rights.models import CaseloadScreening


class ProgressBar:
    """A one-line progress bar on the terminal's error stream, redrawn at most ten times a second."""

    def __init__(self, stream: OutputWrapper, width: int = 30):
        self.stream = stream
        self.width = width
        self.last = 0.0
        self.start = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        filled = int(self.width * done / total) if total else self.width
        rate = f"{done / (now - self.start):,.0f}".replace(",", " ") if now > self.start else "0"
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done:>7}/{total} foyers  {rate} foyers/s", ending="\n" if done >= total else "")
        self.stream.flush()


class Command(BaseCommand):
    help = "Repère les droits probables non demandés de tous les foyers d'une structure ou d'un fichier CSV."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--job", type=int, help="Identifiant d'un repérage en attente (lancé du web ou de l'API).")
        parser.add_argument("--structure", type=int, help="Identifiant de la structure.")
        parser.add_argument("--user", help="Adresse e-mail du membre qui lance le repérage.")
        parser.add_argument("--csv", type=Path, help="Fichier CSV, une ligne par foyer (voir docs/rights.md).")
        parser.add_argument("--output", type=Path, help="Écrire les foyers repérés dans ce fichier (.csv ou .xlsx).")
        parser.add_argument(
            "--mois", dest="period", help="Mois de la législation appliquée, AAAA-MM (défaut : le mois en cours)."
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        job_id = options["job"]
        if job_id is None:
            job_id = self._create(options).pk
        elif options["period"]:
            raise CommandError("--mois ne s'applique qu'à un nouveau repérage : le repérage en attente garde son mois.")
        else:
            pending = CaseloadScreening.objects.filter(pk=job_id).first()
            if pending is None:
                raise CommandError(f"Repérage {job_id} introuvable.")
            if pending.status != CaseloadStatus.PENDING:
                raise CommandError(
                    f"Le repérage {job_id} n'est pas en attente (état : {pending.get_status_display()})."
                )
        job = services.caseload_screening_run(job_id=job_id, progress=ProgressBar(self.stderr))
        if job.status == CaseloadStatus.PENDING:
            raise CommandError(
                f"Le repérage {job.pk} attend : la structure a déjà autant de repérages en cours que permis "
                "(APPUI_CASELOAD_MAX_RUNNING). Relancez cette commande quand ils seront terminés."
            )
        if job.status != CaseloadStatus.DONE:
            raise CommandError(job.failure_message or f"Le repérage {job.pk} n'a pas abouti.")
        self.stdout.write(
            f"Repérage {job.pk} : {job.total} foyers examinés en {job.duration_seconds:.1f} s, "
            f"{job.with_rights} avec des droits non demandés "
            f"({job.unclaimed_monthly_total} € par mois de droits probables, dont {job.to_verify} foyer(s) avec des "
            f"droits à vérifier non comptés), {job.to_complete} foyer(s) à compléter (non évalués), "
            f"{job.error_count} ligne(s) en erreur."
        )
        for error in job.errors[:20]:
            self.stdout.write(f"  ligne {error['line']} ({error['reference']}) : {error['message']}")
        if options["output"]:
            self._export(job, options["output"])

    def _create(self, options):  # type: ignore[no-untyped-def]
        if not options["structure"] or not options["user"]:
            raise CommandError("Indiquez --job, ou bien --structure et --user.")
        membership = (
            Membership.objects.active()
            .select_related("user", "structure")
            .filter(structure_id=options["structure"], user__email__iexact=options["user"])
            .first()
        )
        if membership is None:
            raise CommandError("Ce membre n'a pas d'accès actif à cette structure.")
        csv_path = options["csv"]
        csv_text = ""
        if csv_path:
            try:
                csv_text = decode(csv_path.read_bytes(), name=f"Le fichier {csv_path}")
            except OSError as exc:
                raise CommandError(f"Lecture impossible de {csv_path} : {exc.strerror or exc}.") from exc
            except CsvFormatError as exc:
                raise CommandError(str(exc)) from exc
        try:
            return services.caseload_screening_create(
                membership=membership,
                source=CaseloadSource.CSV if csv_path else CaseloadSource.STRUCTURE,
                csv_text=csv_text,
                filename=csv_path.name if csv_path else "",
                period=options["period"],
                start=False,
            )
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc

    def _export(self, job: CaseloadScreening, path: Path) -> None:
        fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
        path.write_bytes(services.caseload_results_export(membership=None, job=job, fmt=fmt))
        self.stdout.write(f"Résultats écrits dans {path}.")
