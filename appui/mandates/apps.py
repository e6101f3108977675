from django.apps import AppConfig


class MandatesConfig(AppConfig):
    name = "appui.mandates"
    label = "mandates"
    verbose_name = "Mandats"
