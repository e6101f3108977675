from django.urls import path

from . import views

urlpatterns = [
    path("rights/screenings/", views.ScreeningView.as_view(), name="rights_screening"),
    path("rights/caseload-screenings/", views.CaseloadListView.as_view(), name="rights_caseload_list"),
    path(
        "rights/caseload-screenings/<int:job_pk>/",
        views.CaseloadDetailView.as_view(),
        name="rights_caseload_detail",
    ),
    path(
        "rights/caseload-screenings/<int:job_pk>/relaunch/",
        views.CaseloadRelaunchView.as_view(),
        name="rights_caseload_relaunch",
    ),
    path(
        "rights/caseload-screenings/<int:job_pk>/results/",
        views.CaseloadResultsView.as_view(),
        name="rights_caseload_results",
    ),
]
