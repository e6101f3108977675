from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "appui.people"
    label = "people"
    verbose_name = "Personnes accompagnées"
