from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "appui.demo"
    label = "demo"
    verbose_name = "Données de démonstration"
