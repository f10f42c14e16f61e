"""Templates are edited here by an administrator; messages are read-only (the outbox is their page)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinfang.core.admin_types import ModelAdmin

from .models import Message, MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ModelAdmin):
    list_display = ["event", "channel", "subject", "active", "updated_at"]
    list_filter = ["channel", "active"]
    search_fields = ["event", "subject", "body"]


@admin.register(Message)
class MessageAdmin(ModelAdmin):
    list_display = ["created_at", "channel", "to_masked", "event", "case_number", "state", "attempts"]
    list_filter = ["channel", "state", "event"]
    search_fields = ["case_number", "provider_id"]
    exclude = ["to_enc", "body_enc", "to_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
