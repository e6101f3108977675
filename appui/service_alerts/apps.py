from django.apps import AppConfig


class ServiceAlertsConfig(AppConfig):
    name = "appui.service_alerts"
    label = "service_alerts"
    verbose_name = "Signalements de services en ligne"
