import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from appui.accounts.enums import Role
from appui.accounts.models import Structure
from appui.accounts.services import membership_create, user_create


class Command(BaseCommand):
    help = "Crée un compte et, si demandé, son rôle dans une structure."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("email")
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--structure", type=int, help="Identifiant de la structure")
        parser.add_argument("--role", choices=Role.values, help="Rôle dans la structure")
        parser.add_argument("--secret", action="store_true", help="Soumis au secret professionnel")
        parser.add_argument("--password", help="Mot de passe (sinon un mot de passe aléatoire est affiché)")
        parser.add_argument("--superuser", action="store_true", help="Accès à l'administration technique")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if bool(options["structure"]) != bool(options["role"]):
            raise CommandError("--structure et --role vont ensemble.")
        password = options["password"] or secrets.token_urlsafe(12)
        try:
            with transaction.atomic():
                user = user_create(
                    email=options["email"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    password=password,
                    superuser=options["superuser"],
                )
                if options["structure"]:
                    structure = Structure.objects.filter(pk=options["structure"]).first()
                    if structure is None:
                        raise CommandError(f"Aucune structure n° {options['structure']}.")
                    membership_create(
                        user=user, structure=structure, role=options["role"], bound_by_secrecy=options["secret"]
                    )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Compte créé : {user.email}"))
        if not options["password"]:
            self.stdout.write(f"Mot de passe provisoire : {password}")
