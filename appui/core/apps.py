from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "appui.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from . import trigrams

        trigrams.connect_signals()
