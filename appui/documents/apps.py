from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "appui.documents"
    label = "documents"
    verbose_name = "Coffre-fort de documents"

    def ready(self) -> None:
        # Register the right-of-access exporter of documents (RGPD art. 15, appui.people.export).
        from . import export  # noqa: F401
