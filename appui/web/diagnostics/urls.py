from django.urls import path

from . import views

urlpatterns = [
    path("personnes/<int:person_pk>/diagnostics/", views.diagnostic_list, name="diagnostic_list"),
    path("personnes/<int:person_pk>/diagnostics/nouveau/", views.diagnostic_start, name="diagnostic_start"),
    path(
        "personnes/<int:person_pk>/diagnostics/mode-personne/",
        views.diagnostic_person_mode,
        name="diagnostic_person_mode",
    ),
    path("diagnostics/<int:diagnostic_pk>/", views.diagnostic_detail, name="diagnostic_detail"),
]
