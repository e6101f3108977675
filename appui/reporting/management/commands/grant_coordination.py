from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from appui.accounts.models import User
from appui.reporting.enums import TerritoryKind
from appui.reporting.models import TerritoryCoordination
from appui.reporting.services import coordination_grant, coordination_revoke


class Command(BaseCommand):
    help = (
        "Donne (ou retire avec --revoke) à un compte la vue de coordination d'un département ou d'une "
        "intercommunalité : chiffres agrégés des structures qui les partagent, jamais de donnée personnelle."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("email", help="Adresse du compte (créé avant avec create_user)")
        parser.add_argument("--departement", help="Code du département, par exemple 69 ou 2A")
        parser.add_argument("--epci", help="Code SIREN de l'intercommunalité, par exemple 200046977")
        parser.add_argument("--revoke", action="store_true", help="Retirer cette coordination")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if bool(options["departement"]) == bool(options["epci"]):
            raise CommandError("Indiquez soit --departement, soit --epci.")
        kind = TerritoryKind.DEPARTEMENT if options["departement"] else TerritoryKind.EPCI
        code = (options["departement"] or options["epci"]).strip().upper()
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError("Aucun compte avec cette adresse.")
        if options["revoke"]:
            coordination = (
                TerritoryCoordination.objects.active()
                .filter(user=user, territory_kind=kind, territory_code=code)
                .first()
            )
            if coordination is None:
                raise CommandError("Ce compte n'a pas cette coordination.")
            coordination_revoke(coordination=coordination)
            self.stdout.write(self.style.SUCCESS(f"{coordination} retirée à {user.email}."))
            return
        try:
            coordination = coordination_grant(user=user, territory_kind=kind, territory_code=code)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{coordination} accordée à {user.email}."))
