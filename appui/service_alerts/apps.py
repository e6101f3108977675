from django.apps import AppConfig


class ServiceAlertsConfig(AppConfig):
    name = "appui.service_alerts"
    label = "service_alerts"
    verbose_name = "Signalements de services en ligne"

    def ready(self) -> None:
        # Register the right-of-access exporter of service alerts (RGPD art. 15, appui.people.export).
        from . import export  # noqa: F401
