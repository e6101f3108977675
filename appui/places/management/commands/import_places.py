"""Import a file of places into the directory, with a progress bar and a full report.

manage.py import_places lieux.csv --source hub-sud                    # format detected from the columns
manage.py import_places liste-france-services.csv --format france-services --source france-services
manage.py import_places structures.json --format data-inclusion --source data-inclusion --dry-run
manage.py import_places lieux.csv --source hub-sud --report rejets.csv  # rejected rows and set-aside values

Re-importing a source updates its places by identifier and closes the ones absent from the file.
"""

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from appui.places.enums import ImportFormat
from appui.places.importing.report import ImportReport
from appui.places.services import places_import


class Command(BaseCommand):
    help = "Importe un fichier de lieux (lieux de médiation numérique v1 ou v0.1, France Services, data·inclusion)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", type=Path, help="Fichier CSV ou JSON.")
        parser.add_argument(
            "--format",
            default=ImportFormat.AUTO,
            choices=ImportFormat.values,
            help="Format du fichier (défaut : détecté d'après ses colonnes).",
        )
        parser.add_argument(
            "--source",
            help="Nom de la source (défaut : le nom du fichier). Réimporter sous le même nom met les lieux à jour.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Tout vérifier sans rien enregistrer.")
        parser.add_argument(
            "--report", type=Path, help="Écrire les lignes rejetées et les valeurs mises de côté (CSV)."
        )
        parser.add_argument("--quiet-rejects", action="store_true", help="Ne pas lister les lignes rejetées ici.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        source = options["source"] or _source_name(path)
        bar = tqdm(total=0, unit=" lignes", desc="Import", file=self.stderr._out, disable=None, dynamic_ncols=True)

        def on_total(total: int) -> None:
            bar.total = total
            bar.refresh()

        try:
            report = places_import(
                data=path.read_bytes(),
                filename=path.name,
                source=source,
                import_format=options["format"],
                dry_run=options["dry_run"],
                progress=bar.update,
                on_total=on_total,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        finally:
            bar.close()
        self._print(report, quiet=options["quiet_rejects"])
        if options["report"]:
            _write_report(report, options["report"])
            self.stdout.write(f"Rapport détaillé : {options['report']}")

    def _print(self, report: ImportReport, *, quiet: bool) -> None:
        prefix = "Vérification seule (rien n'a été enregistré) — " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}format {report.format}, source « {report.source} », {report.duration_seconds:.1f} s"
        )
        style = self.style.WARNING if report.rejected else self.style.SUCCESS
        self.stdout.write(style(report.summary()))
        rate = report.total / report.duration_seconds if report.duration_seconds else 0
        self.stdout.write(f"Débit : {rate:,.0f} lignes/s".replace(",", " "))
        if report.repairs:
            self.stdout.write("Réparations (nombre de lignes) :")
            for kind, count in report.repairs.most_common():
                self.stdout.write(f"  {count:>7}  {kind}")
        if report.notes:
            self.stdout.write("Conversions et remarques :")
            for note, count in report.notes.most_common():
                self.stdout.write(f"  {count:>7}  {note}")
        if report.warnings:
            self.stdout.write(f"Valeurs mises de côté (gardées sur le lieu, hors standard) : {len(report.warnings)}")
        if report.rejects and not quiet:
            self.stdout.write("Lignes rejetées :")
            for reject in report.rejects:
                label = f"ligne {reject['line']}" + (f" (id {reject['id']})" if reject.get("id") else "")
                self.stdout.write(f"  {label} : " + " ; ".join(reject["reasons"]))


def _source_name(path: Path) -> str:
    import re

    return re.sub(r"[^a-z0-9._-]+", "-", path.stem.lower()).strip("-._")[:100] or "import"


def _write_report(report: ImportReport, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ligne", "identifiant", "nom", "statut", "détail"])
        for reject in report.rejects:
            writer.writerow(
                [reject["line"], reject.get("id", ""), reject.get("name", ""), "rejetée", " ; ".join(reject["reasons"])]
            )
        for warning in report.warnings:
            writer.writerow(
                [
                    warning["line"],
                    warning.get("id", ""),
                    "",
                    f"valeur mise de côté ({warning['column']})",
                    warning["value"],
                ]
            )
