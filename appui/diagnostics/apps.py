from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "appui.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostic d'autonomie numérique"
