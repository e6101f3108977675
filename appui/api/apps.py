from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "appui.api"
    label = "api"
    verbose_name = "API REST"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the OpenAPI extension of the token authentication)
