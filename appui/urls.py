from django.contrib import admin
from django.urls import include, path

from .admin_site import restrict_admin_to_superusers

restrict_admin_to_superusers(admin.site)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("appui.api.urls")),
    path("", include("appui.web.urls")),
]
