from django.urls import path

from . import views

urlpatterns = [
    path("personnes/<int:person_pk>/droits/", views.rights_screening, name="rights_screening"),
    path("droits/simulations/<int:screening_pk>/", views.rights_screening_detail, name="rights_screening_detail"),
    path("droits/simulations/<int:screening_pk>/fiche/", views.rights_screening_print, name="rights_screening_print"),
    path(
        "droits/simulations/<int:screening_pk>/relancer/", views.rights_screening_rerun, name="rights_screening_rerun"
    ),
    path("droits/suivi/<int:right_pk>/", views.rights_follow_up_update, name="rights_follow_up_update"),
    path("droits/reperage/", views.rights_caseload, name="rights_caseload"),
    path("droits/reperage/modele.csv", views.rights_caseload_template, name="rights_caseload_template"),
    path("droits/reperage/<int:job_pk>/", views.rights_caseload_detail, name="rights_caseload_detail"),
    path(
        "droits/reperage/<int:job_pk>/progression/",
        views.rights_caseload_progress,
        name="rights_caseload_progress",
    ),
    path("droits/reperage/<int:job_pk>/relancer/", views.rights_caseload_relaunch, name="rights_caseload_relaunch"),
    path(
        "droits/reperage/<int:job_pk>/foyers.csv",
        views.rights_caseload_export_csv,
        name="rights_caseload_export_csv",
    ),
    path(
        "droits/reperage/<int:job_pk>/foyers.xlsx",
        views.rights_caseload_export_xlsx,
        name="rights_caseload_export_xlsx",
    ),
]
