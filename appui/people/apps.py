from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "appui.people"
    label = "people"
    verbose_name = "Personnes accompagnées"

    def ready(self) -> None:
        # Register the right-of-access exporters of the people records (RGPD art. 15, appui.people.export).
        from . import export_records  # noqa: F401
