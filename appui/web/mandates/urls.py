from django.urls import path

from . import views

urlpatterns = [
    path("personnes/<int:person_pk>/mandats/nouveau/", views.mandate_create, name="mandate_create"),
    path("mandats/<int:mandate_pk>/", views.mandate_detail, name="mandate_detail"),
    path("mandats/<int:mandate_pk>/attestation.pdf", views.mandate_attestation, name="mandate_attestation"),
    path("mandats/<int:mandate_pk>/revoquer/", views.mandate_revoke, name="mandate_revoke"),
    path(
        "revocations/<int:revocation_pk>/attestation.pdf", views.revocation_attestation, name="revocation_attestation"
    ),
]
