import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from appui.audit.services import audit_purge_personal_fields


class Command(BaseCommand):
    help = "Efface les données personnelles des événements d'audit plus anciens que la durée de conservation."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        days = getattr(settings, "APPUI_AUDIT_PERSONAL_RETENTION_DAYS", 365)
        count = audit_purge_personal_fields(older_than=timezone.now() - datetime.timedelta(days=days))
        self.stdout.write(f"{count} événement(s) purgé(s) de leurs données personnelles (conservation : {days} jours).")
