"""Reads: a user's inbox and unread count, the outbox for office administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Role, Unit

from .models import Channel, Message


def inbox_for(user: Any) -> QuerySet[Message]:
    return Message.objects.filter(user=user, channel=Channel.INBOX).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Message.objects.filter(user=user, channel=Channel.INBOX, read_at__isnull=True).count()


def can_see_outbox(user: Any) -> bool:
    """System administrators and the 信访部门's dispatchers (the office that answers for 有信必复)."""
    if not getattr(user, "is_authenticated", False):
        return False
    ctx = actor_context(user)
    if ctx.is_superuser or ctx.has_role(Role.ADMIN):
        return True
    return any(u.kind == Unit.Kind.XINFANG for u in ctx.units_with(Role.DISPATCHER))


def outbox_list(*, channel: str = "", state: str = "", event: str = "", case_number: str = "") -> QuerySet[Message]:
    qs = Message.objects.select_related("user").order_by("-created_at", "-id")
    if channel:
        qs = qs.filter(channel=channel)
    if state:
        qs = qs.filter(state=state)
    if event:
        qs = qs.filter(event=event)
    if case_number:
        qs = qs.filter(Q(case_number=case_number.strip()))
    return qs


def outbox_rows(messages: Any) -> list[dict[str, Any]]:
    """The outbox as plain data (the JSON of `manage.py outbox`): addresses masked, never clear."""
    return [
        {
            "id": m.pk,
            "created_at": m.created_at.isoformat(),
            "channel": m.channel,
            "to": m.to_masked,
            "event": m.event,
            "case": m.case_number or None,
            "state": m.state,
            "attempts": m.attempts,
            "provider_id": m.provider_id or None,
            "subject": m.subject,
            "error": m.last_error or None,
        }
        for m in messages
    ]
