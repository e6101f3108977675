from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "appui.audit"
    label = "audit"
    verbose_name = "Journal d'audit"
