import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appui.audit.keys import configured_path, new_audit_keyring_json


class Command(BaseCommand):
    help = "Crée le trousseau de clés du journal d'audit s'il n'existe pas (fichier JSON, droits 600)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--path", help="Fichier à créer (défaut : APPUI_AUDIT_KEYS_FILE)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        path = options["path"] or configured_path()
        if not path:
            raise CommandError("Indiquez --path ou APPUI_AUDIT_KEYS_FILE.")
        target = Path(path)
        if target.exists():
            self.stdout.write(f"Trousseau d'audit déjà présent : {target}")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(new_audit_keyring_json())
        self.stdout.write(
            self.style.SUCCESS(
                f"Trousseau d'audit créé : {target}. Gardez-en une copie hors de la base et hors des sauvegardes "
                "de la base : sans lui, le journal ne peut plus être vérifié."
            )
        )
