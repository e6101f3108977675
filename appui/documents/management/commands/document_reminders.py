from django.core.management.base import BaseCommand

from appui.documents.enums import REMINDER_DAYS
from appui.documents.services import document_reminders_send


class Command(BaseCommand):
    help = "Envoie un rappel pour chaque document dont la validité prend fin bientôt (à lancer chaque jour)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--jours",
            type=int,
            default=REMINDER_DAYS,
            help=f"Délai avant la fin de validité (défaut : {REMINDER_DAYS} jours).",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        count = document_reminders_send(within_days=options["jours"])
        self.stdout.write(f"{count} rappel(s) envoyé(s).")
