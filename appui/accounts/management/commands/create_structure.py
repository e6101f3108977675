from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from appui.accounts.enums import StructureType
from appui.accounts.services import structure_create


class Command(BaseCommand):
    help = "Crée une structure (CCAS, association, France Services…)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("name", help="Nom de la structure")
        parser.add_argument("--type", required=True, choices=StructureType.values, help="Type de structure")
        parser.add_argument("--commune", required=True, help="Code commune INSEE du siège (ex. 69266)")
        parser.add_argument("--siret", default="", help="SIRET (14 chiffres)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            structure = structure_create(
                name=options["name"], type=options["type"], commune_code=options["commune"], siret=options["siret"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Structure créée : {structure} (identifiant {structure.pk})."))
