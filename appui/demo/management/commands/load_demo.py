from django.core.management.base import BaseCommand, CommandError

from appui.demo.generator import (
    DEMO_PASSWORD,
    DemoOutsideDevelopmentError,
    demo_logins,
    demo_totp_base32,
    load_demo,
    refuse_outside_development,
)


class Command(BaseCommand):
    help = "Charge les données de démonstration (2 structures, ~300 personnes, ~2 000 accompagnements)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--if-empty", action="store_true", help="Ne rien faire si la base contient déjà des structures."
        )
        parser.add_argument("--persons", type=int, default=150, help="Personnes par structure (défaut : 150).")
        parser.add_argument(
            "--accompaniments", type=int, default=1000, help="Accompagnements par structure (défaut : 1000)."
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        from appui.accounts.models import Structure

        try:
            refuse_outside_development()
        except DemoOutsideDevelopmentError as exc:
            raise CommandError(str(exc)) from exc

        if Structure.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Base déjà remplie : démo non rechargée.")
                self.print_logins()
                return
            raise CommandError("La base contient déjà des structures : la démo ne se charge que dans une base vide.")
        counts = load_demo(
            persons_per_structure=options["persons"], accompaniments_per_structure=options["accompaniments"]
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Démo chargée : {counts['structures']} structures, {counts['users']} comptes, "
                f"{counts['persons']} personnes, {counts['screenings']} simulations des droits, "
                f"{counts['accompaniments']} accompagnements, "
                f"{counts['places']} lieux dans l'annuaire, {counts['referrals']} orientations."
            )
        )
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write(f"\nComptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        self.stdout.write(
            f"Double authentification : clé {demo_totp_base32()} dans votre application, "
            "ou code du moment avec « make code »."
        )
        for structure, role, email in demo_logins():
            self.stdout.write(f"  {email:<38} {role:<45} {structure}")
