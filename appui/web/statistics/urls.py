from django.urls import path

from . import views

urlpatterns = [
    path("statistiques/", views.statistics_page, name="statistics"),
    path("statistiques/export.csv", views.statistics_export, {"fmt": "csv"}, name="statistics_export_csv"),
    path("statistiques/export.xlsx", views.statistics_export, {"fmt": "xlsx"}, name="statistics_export_xlsx"),
    path("statistiques/rapport.pdf", views.statistics_report, name="statistics_report"),
    path("statistiques/rapports/mois-precedent/", views.monthly_report_create, name="monthly_report_create"),
    path("statistiques/rapports/<int:report_pk>/", views.monthly_report_download, name="monthly_report_download"),
    path("statistiques/partage/", views.statistics_sharing, name="statistics_sharing"),
    path("statistiques/territoire/", views.territory_statistics, name="territory_statistics"),
]
