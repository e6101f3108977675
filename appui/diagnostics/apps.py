from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "appui.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostic d'autonomie numérique"

    def ready(self) -> None:
        # Register the right-of-access exporter of diagnostics (RGPD art. 15, appui.people.export).
        from . import export  # noqa: F401
