from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "appui.reporting"
    label = "reporting"
    verbose_name = "Statistiques et tableaux de bord"
