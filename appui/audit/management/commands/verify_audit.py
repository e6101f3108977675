import sys

from django.core.management.base import BaseCommand

from appui.audit.models import AuditChainHead
from appui.audit.services import audit_verify


class Command(BaseCommand):
    help = "Vérifie la chaîne d'empreintes du journal d'audit ; code de sortie 0 si elle est intacte."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        broken = audit_verify()
        if broken is None:
            head = AuditChainHead.objects.filter(pk=1).first()
            self.stdout.write(self.style.SUCCESS(f"Journal d'audit intact ({head.seq if head else 0} événements)."))
            return
        where = f"événement n° {broken.seq}" + (f" (id {broken.event_id})" if broken.event_id else "")
        self.stderr.write(f"Journal d'audit altéré : premier événement en cause : {where} — {broken.reason}.")
        sys.exit(1)
