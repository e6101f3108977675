from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "appui.rights"
    label = "rights"
    verbose_name = "Droits et repérage du non-recours"

    def ready(self) -> None:
        # Register the right-of-access exporters and the anonymisers of the rights data (RGPD art. 15 and
        # retention). The rules engine is not built here: see appui.rights.engine.warm_up().
        from . import (
            retention,  # noqa: F401
            tasks,  # noqa: F401 (the background tasks and their give-up handlers)
        )
