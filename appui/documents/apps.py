from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "appui.documents"
    label = "documents"
    verbose_name = "Coffre-fort de documents"
