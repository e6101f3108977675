from django.urls import path

from . import views

urlpatterns = [
    path("sante/", views.health_check, name="health"),
    path("taches-automatiques/", views.scheduled_jobs, name="scheduled_jobs"),
]
