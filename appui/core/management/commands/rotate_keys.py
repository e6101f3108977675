from django.core.management.base import BaseCommand

from appui.core.rotation import rotate_all


class Command(BaseCommand):
    help = (
        "Rechiffre toutes les valeurs chiffrées avec la clé courante, par lots, sans arrêter le service. "
        "Ensuite seulement, retirez l'ancienne clé du trousseau."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--batch", type=int, default=500, help="Taille des lots (défaut : 500)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        report = rotate_all(batch_size=options["batch"], progress=self.stdout.write)
        total = sum(report.values())
        self.stdout.write(self.style.SUCCESS(f"{total} valeur(s) rechiffrée(s) avec la clé courante."))
