"""Record a read of personal data (a case page, a download, an export): who, when, what, from where."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .middleware import current_ip
from .models import AccessLog


def access_log(
    *,
    actor: Any,
    kind: str,
    petition_id: int | None = None,
    reference: str = "",
    target: str = "",
    ip: str | None = None,
    data: dict[str, Any] | None = None,
) -> AccessLog:
    """One row; `actor` a user or a label ("信访人（网上）"). Written at once, outside any business
    transaction's fate: a read is logged even if what follows fails."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AccessLog.objects.create(
        at=timezone.now(),
        actor=user,
        actor_label=(user.get_full_name() or user.username) if user else str(actor or ""),
        ip=ip or current_ip.get(),
        kind=kind,
        petition_id_ref=petition_id,
        reference=reference[:40],
        target=target[:200],
        data=data or {},
    )
