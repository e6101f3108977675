import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from appui.people.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation (à lancer chaque jour) : archive les fiches sans activité, "
        "anonymise les archives échues, prépare les listes d'élimination des structures publiques."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--dry-run", action="store_true", help="Afficher ce qui serait fait, sans rien changer.")
        parser.add_argument("--date", help="Date du traitement (AAAA-MM-JJ), pour une simulation.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        now = timezone.now()
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("Date attendue au format AAAA-MM-JJ.") from exc
            now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(3)))
        report = apply_retention(now=now, dry_run=options["dry_run"])
        for line in report.lines():
            self.stdout.write(line)
        verb = "seraient" if options["dry_run"] else "ont été"
        listed = sum(len(persons) for persons in report.listed.values())
        self.stdout.write(
            f"{len(report.archived)} fiche(s) {verb} archivée(s), {len(report.anonymised)} anonymisée(s), "
            f"{listed} proposée(s) à l'élimination."
        )
