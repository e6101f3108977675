from django.core.management.base import BaseCommand

from appui.mandates.services import mandate_reminders_send


class Command(BaseCommand):
    help = "Envoie un rappel pour chaque mandat qui expire bientôt (à lancer chaque jour)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--jours", type=int, default=15, help="Délai avant l'échéance (défaut : 15 jours).")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        count = mandate_reminders_send(within_days=options["jours"])
        self.stdout.write(f"{count} rappel(s) envoyé(s).")
