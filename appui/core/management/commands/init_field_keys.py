import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from appui.core.crypto import new_keyring_json


class Command(BaseCommand):
    help = "Crée le trousseau de clés de chiffrement des champs sensibles s'il n'existe pas (fichier JSON, droits 600)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--path", help="Fichier à créer (défaut : APPUI_FIELD_KEYS_FILE)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        path = options["path"] or os.environ.get("APPUI_FIELD_KEYS_FILE") or settings.APPUI_FIELD_KEYS_FILE
        if not path:
            raise CommandError("Indiquez --path ou APPUI_FIELD_KEYS_FILE.")
        target = Path(path)
        if target.exists():
            self.stdout.write(f"Trousseau déjà présent : {target}")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(new_keyring_json())
        self.stdout.write(self.style.SUCCESS(f"Trousseau créé : {target} (gardez-en une sauvegarde hors de la base)."))
