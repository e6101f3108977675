from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "appui.accounts"
    label = "accounts"
    verbose_name = "Comptes et structures"
