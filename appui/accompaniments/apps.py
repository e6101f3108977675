from django.apps import AppConfig


class AccompanimentsConfig(AppConfig):
    name = "appui.accompaniments"
    label = "accompaniments"
    verbose_name = "Accompagnements"
