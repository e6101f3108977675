import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from appui.demo.generator import (
    DEMO_TOTP_KEY_HEX,
    DemoOutsideDevelopmentError,
    demo_totp_base32,
    refuse_outside_development,
)


class Command(BaseCommand):
    help = "Affiche le code de double authentification actuel des comptes de démonstration."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            refuse_outside_development()
        except DemoOutsideDevelopmentError as exc:
            raise CommandError(str(exc)) from exc
        totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY_HEX))
        totp.time = time.time()
        remaining = 30 - int(time.time()) % 30
        self.stdout.write(f"Code actuel : {totp.token():06d} (valable encore {remaining} s)")
        self.stdout.write(f"Clé à ajouter dans une application d'authentification : {demo_totp_base32()}")
