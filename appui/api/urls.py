from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path("persons/", views.PersonListView.as_view(), name="person_list"),
    path("persons/<int:person_pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path(
        "persons/<int:person_pk>/accompaniments/",
        views.PersonAccompanimentsView.as_view(),
        name="person_accompaniments",
    ),
    path(
        "accompaniments/<int:accompaniment_pk>/", views.AccompanimentDetailView.as_view(), name="accompaniment_detail"
    ),
    path("", include("appui.api.rights.urls")),
    path("", include("appui.api.orientations.urls")),
]
