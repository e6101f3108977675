from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "appui.guides"
    label = "guides"
    verbose_name = "Guides de démarches"
