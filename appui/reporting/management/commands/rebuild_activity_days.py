from django.core.management.base import BaseCommand
from django.db import transaction

from appui.reporting.rollups import rebuild_days


class Command(BaseCommand):
    help = (
        "Recalcule les agrégats quotidiens des statistiques à partir des activités (réparation ; les services "
        "les tiennent à jour à chaque enregistrement)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--structure", type=int, action="append", help="Identifiant de structure (répétable)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            written = rebuild_days(structure_ids=options["structure"])
        self.stdout.write(self.style.SUCCESS(f"{written} agrégat(s) quotidien(s) recalculé(s)."))
