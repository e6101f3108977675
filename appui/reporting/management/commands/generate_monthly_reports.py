import datetime

from django.core.management.base import BaseCommand, CommandError

from appui.reporting.reports import monthly_reports_generate_all


class Command(BaseCommand):
    help = (
        "Produit le rapport d'activité du mois précédent de chaque structure active (PDF gardé dans Appui). "
        "Sans effet pour un rapport déjà produit : la commande peut être relancée."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--month", help="Mois du rapport, AAAA-MM (par défaut : le mois précédent)", metavar="AAAA-MM"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        today = None
        if options["month"]:
            try:
                month = datetime.date.fromisoformat(f"{options['month']}-01")
            except ValueError as exc:
                raise CommandError("Le mois s'écrit AAAA-MM, par exemple 2026-03.") from exc
            today = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        results = monthly_reports_generate_all(today=today)
        created = sum(1 for _, new in results if new)
        for report, new in results:
            state = "produit" if new else "déjà produit"
            self.stdout.write(f"{report.structure} : {report} — {state}")
        self.stdout.write(self.style.SUCCESS(f"{created} rapport(s) produit(s), {len(results) - created} déjà là."))
