from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .services import can_see_stats


def stats_nav(request: HttpRequest) -> dict[str, Any]:
    """Whether the staff base layout shows 统计分析 (the same rule as the page's own check)."""
    user = getattr(request, "user", None)
    return {"actor_sees_stats": bool(user is not None and user.is_authenticated and can_see_stats(user))}
