from django.urls import path

from . import views

urlpatterns = [
    path("signalements/", views.service_alert_dashboard, name="service_alert_dashboard"),
    path("signalements/nouveau/", views.service_alert_create, name="service_alert_create"),
    path("signalements/export.csv", views.service_alert_export, name="service_alert_export"),
    path("signalements/<int:alert_pk>/capture/", views.service_alert_screenshot, name="service_alert_screenshot"),
]
