from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "appui.runtime"
    label = "runtime"
    verbose_name = "Tâches de fond et tâches planifiées"
