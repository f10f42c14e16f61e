"""The deadline rows in the admin, read-only (registered from petitions.admin)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinfang.core.admin_types import ModelAdmin

from .models import Deadline


@admin.register(Deadline)
class DeadlineAdmin(ModelAdmin):
    """Read-only: deadlines change only through the workflow services and recompute."""

    list_display = ["petition", "code", "party", "start_date", "due_date", "estimated", "status", "state"]
    list_filter = ["status", "state", "party", "code", "estimated"]
    search_fields = ["petition__number"]
    list_select_related = ["petition"]
    raw_id_fields = ["petition"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
