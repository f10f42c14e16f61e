"""Write one timeline event. Called inside the service's transaction, never from views."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import Event, Petition


def event_record(
    *,
    petition: Petition,
    action: str,
    actor: Any = None,
    unit: Any = None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    public: bool = False,
    public_text: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """`public` events are shown to the petitioner on the portal with `public_text`."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Event.objects.create(
        petition=petition,
        at=timezone.now(),
        actor=user,
        actor_name=(user.get_full_name() if user else str(actor or "系统")),
        unit=unit,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        public=public,
        public_text=public_text,
        data=data or {},
    )
