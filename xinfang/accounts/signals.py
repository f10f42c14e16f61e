"""Every login, failed login and logout goes to the audit chain (who, when, from where).

And the hooks for apps above: accounts keeps the area and unit trees, apps that copy a node's path
onto their own rows (cases: area_path, office_path, current_path, accused_path) connect to
`areas_moved` / `units_moved` and rewrite their copies. Both are sent inside the transaction that
moved the subtree, after the new paths are written, with the ids of every node whose path changed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from xinfang.core.audit import audit_record

areas_moved = Signal()  # kwargs: area_ids: list[int]
units_moved = Signal()  # kwargs: unit_ids: list[int]


def _ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", target=user, ip=_ip(request))


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout", target=user, ip=_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit_record(
        actor="匿名",
        action="auth.login_failed",
        ip=_ip(request),
        data={"username": str(credentials.get("username", ""))[:150]},
    )
