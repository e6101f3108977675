from django.urls import path

from appui.web.communes import commune_suggestions

from . import views

urlpatterns = [
    path("communes/suggestions/", commune_suggestions, name="commune_suggestions"),
    path("annuaire/", views.directory, name="directory"),
    path("annuaire/<int:place_pk>/", views.place_detail, name="place_detail"),
    path("annuaire/import/", views.places_import, name="places_import"),
    path("annuaire/import/<int:import_pk>/", views.places_import_detail, name="places_import_detail"),
    path("annuaire/import/<int:import_pk>/rejets.csv", views.places_import_rejects, name="places_import_rejects"),
    path("structure/lieux/", views.own_place_list, name="own_place_list"),
    path("structure/lieux/nouveau/", views.own_place_create, name="own_place_create"),
    path("structure/lieux/lieux-mediation-numerique.csv", views.own_places_lieux_csv, name="own_places_lieux_csv"),
    path("structure/lieux/data-inclusion.json", views.own_places_inclusion_json, name="own_places_inclusion_json"),
    path("structure/lieux/<int:own_place_pk>/modifier/", views.own_place_edit, name="own_place_edit"),
    path("structure/lieux/<int:own_place_pk>/fermer/", views.own_place_close, name="own_place_close"),
    path(
        "structure/lieux/<int:own_place_pk>/services/nouveau/",
        views.own_place_service_create,
        name="own_place_service_create",
    ),
    path(
        "structure/services/<int:own_service_pk>/modifier/", views.own_place_service_edit, name="own_place_service_edit"
    ),
    path(
        "structure/services/<int:own_service_pk>/retirer/",
        views.own_place_service_close,
        name="own_place_service_close",
    ),
]
