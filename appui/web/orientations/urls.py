from django.urls import path

from . import views

urlpatterns = [
    path("personnes/<int:person_pk>/orienter/", views.referral_create, name="referral_create"),
    path("orientations/", views.referral_list, name="referral_list"),
    path("orientations/<int:referral_pk>/", views.referral_detail, name="referral_detail"),
    path("orientations/<int:referral_pk>/suivi/", views.referral_follow_up, name="referral_follow_up"),
    path("orientations/<int:referral_pk>/fiche-personne/", views.referral_person_sheet, name="referral_person_sheet"),
    path("orientations/<int:referral_pk>/prescription/", views.referral_prescription, name="referral_prescription"),
    path("orientations/recues/", views.received_list, name="received_list"),
    path("orientations/recues/<int:incoming_pk>/", views.received_detail, name="received_detail"),
    path("orientations/recues/<int:incoming_pk>/reponse/", views.received_answer, name="received_answer"),
    path(
        "orientations/recues/<int:incoming_pk>/prescription/",
        views.received_prescription,
        name="received_prescription",
    ),
]
