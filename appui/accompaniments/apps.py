from django.apps import AppConfig


class AccompanimentsConfig(AppConfig):
    name = "appui.accompaniments"
    label = "accompaniments"
    verbose_name = "Accompagnements"

    def ready(self) -> None:
        # Register the right-of-access exporter of accompaniments (RGPD art. 15, appui.people.export).
        from . import export  # noqa: F401
