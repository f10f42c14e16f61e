"""The audit log is read-only for everyone, administrators included."""

from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent

if TYPE_CHECKING:  # the stubs' ModelAdmin is generic; Django's own is not subscriptable at run time
    _ModelAdmin: TypeAlias = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(_ModelAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_id", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "target_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
