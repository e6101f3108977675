from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "appui.rights"
    label = "rights"
    verbose_name = "Droits et repérage du non-recours"
