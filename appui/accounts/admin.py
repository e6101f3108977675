from django.contrib import admin
from django.http import HttpRequest

from .models import Membership, Structure, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: writes go through the services (CLI, web pages) so that each one is audited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Structure)
class StructureAdmin(ReadOnlyAdmin):
    list_display = ["name", "type", "commune_code", "is_active"]
    search_fields = ["name", "siret"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "first_name", "last_name", "is_active", "is_superuser"]
    search_fields = ["email", "last_name"]
    exclude = ["password", "user_permissions", "groups"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "structure", "role", "bound_by_secrecy", "is_active"]
    list_filter = ["role", "is_active"]
