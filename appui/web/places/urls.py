from django.urls import path

from . import views

urlpatterns = [
    path("lieux/", views.place_list, name="place_list"),
    path("lieux/<int:place_pk>/modifier/", views.place_edit, name="place_edit"),
    path("lieux/<int:place_pk>/fermer/", views.place_toggle, name="place_toggle"),
]
