from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "appui.accounts"
    label = "accounts"
    verbose_name = "Comptes et structures"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the login receivers)
