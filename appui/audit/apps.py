from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "appui.audit"
    label = "audit"
    verbose_name = "Journal d'audit"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)
