from django.apps import AppConfig


class OrientationsConfig(AppConfig):
    name = "appui.orientations"
    label = "orientations"
    verbose_name = "Orientations"

    def ready(self) -> None:
        # Register the right-of-access exporter and the anonymiser of referrals (RGPD art. 15 and retention).
        from . import retention  # noqa: F401
