"""Write one timeline event (called inside the service's transaction, never from views), and say what
the petitioner sees of it: the portal and the staff timeline's "公开" label read the same function."""

from __future__ import annotations

from typing import Any, Required, TypedDict, Unpack

from django.utils import timezone

from .models import Event, Petition


class EventFields(TypedDict, total=False):
    """What a timeline event is made of; `public` events are shown to the petitioner on the portal with
    `public_text`."""

    petition: Required[Petition]
    action: Required[str]
    actor: Any
    unit: Any
    note: str
    from_status: str
    to_status: str
    public: bool
    public_text: str
    data: dict[str, Any] | None


def event_record(**fields: Unpack[EventFields]) -> Event:
    """Write one timeline event."""
    event = event_draft(**fields)
    event.save(force_insert=True)
    return event


def event_draft(**fields: Unpack[EventFields]) -> Event:
    """The event `event_record` writes, unsaved (for a writer that inserts it with other rows)."""
    actor = fields.get("actor")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Event(
        petition=fields["petition"],
        at=timezone.now(),
        actor=user,
        actor_name=(user.get_full_name() if user else str(actor or "系统")),
        unit=fields.get("unit"),
        action=fields["action"],
        from_status=fields.get("from_status", ""),
        to_status=fields.get("to_status", ""),
        note=fields.get("note", ""),
        public=fields.get("public", False),
        public_text=fields.get("public_text", ""),
        data=fields.get("data") or {},
    )


# Public headings for the portal's timeline; the staff labels ("审批通过并答复" …) describe internal steps.
PUBLIC_TITLES: dict[str, str] = {
    "submit": "网上提交",
    "register": "登记",
    "dispatch": "转送/交办",
    "handle_directly": "信访部门直接办理",
    "accept": "受理告知",
    "reject": "不予受理告知",
    "approve_extension": "延期告知",
    "approve_reply": "处理意见书",
    "rate": "评价",
    "request_review": "申请复查",
    "decide_review": "复查意见书",
    "request_recheck": "申请复核",
    "decide_recheck": "复核意见书",
    "note": "办理情况",
    "mediate": "调解情况",
}


def public_title(action: str) -> str:
    return PUBLIC_TITLES.get(action, "办理进展")


def shown_to_petitioner(event: Event) -> bool:
    """The portal shows a public event only with its public text (never the staff note)."""
    return bool(event.public and event.public_text)
