from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "appui.places"
    label = "places"
    verbose_name = "Lieux et services"
