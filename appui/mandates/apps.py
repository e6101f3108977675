from django.apps import AppConfig


class MandatesConfig(AppConfig):
    name = "appui.mandates"
    label = "mandates"
    verbose_name = "Mandats"

    def ready(self) -> None:
        # Register the right-of-access exporters of mandates (RGPD art. 15, appui.people.export).
        from . import export  # noqa: F401
