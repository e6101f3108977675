from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "appui.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the row identity and key ring checks)
            json_arrays,  # noqa: F401  (registers the has_any lookup)
            trigrams,
        )

        trigrams.connect_signals()
