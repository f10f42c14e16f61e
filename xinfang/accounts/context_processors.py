from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .access import actor_context


def staff_context(request: HttpRequest) -> dict[str, Any]:
    ctx = actor_context(getattr(request, "user", None))
    return {
        "site_name": settings.XINFANG_SITE_NAME,
        "actor_roles": ctx.all_roles,
        "actor_units": list(ctx.units.values()),
    }
