from django.urls import path

from . import views

urlpatterns = [
    path("personnes/<int:person_pk>/documents/", views.document_list, name="document_list"),
    path("personnes/<int:person_pk>/documents/deposer/", views.document_upload, name="document_upload"),
    path("documents/<int:document_pk>/telecharger/", views.document_download, name="document_download"),
    path("documents/<int:document_pk>/supprimer/", views.document_delete, name="document_delete"),
]
