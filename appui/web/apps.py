from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "appui.web"
    label = "web"
    verbose_name = "Interface web"
