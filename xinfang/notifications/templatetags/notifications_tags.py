from __future__ import annotations

from typing import Any

from django import template

from ..selectors import can_see_outbox, unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    return {"unread": unread_count(context["request"].user)}


@register.simple_tag(takes_context=True)
def outbox_visible(context: dict[str, Any]) -> bool:
    return can_see_outbox(context["request"].user)
