from django.urls import path

from . import views

urlpatterns = [
    path("guides/", views.guide_list_view, name="guide_list"),
    path("guides/<slug:slug>/", views.guide_detail, name="guide_detail"),
    path("guides/<slug:slug>/imprimer/", views.guide_print, name="guide_print"),
    path("guides/<slug:slug>/adapter/", views.guide_adapt, name="guide_adapt"),
]
