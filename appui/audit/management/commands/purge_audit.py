from django.conf import settings
from django.core.management.base import BaseCommand

from appui.audit.services import audit_purge_personal_fields, audit_retention_days


class Command(BaseCommand):
    help = "Efface les données personnelles des événements d'audit plus anciens que la durée de conservation."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        count = audit_purge_personal_fields()
        days = audit_retention_days()
        self.stdout.write(f"{count} événement(s) purgé(s) de leurs données personnelles (conservation : {days} jours).")
        if days > settings.APPUI_AUDIT_PERSONAL_RETENTION_DAYS:
            self.stdout.write(
                f"La base impose {days} jours, plus que APPUI_AUDIT_PERSONAL_RETENTION_DAYS "
                f"({settings.APPUI_AUDIT_PERSONAL_RETENTION_DAYS}) : raccourcir cette durée revient au propriétaire "
                "de la base (voir docs/audit.md)."
            )
