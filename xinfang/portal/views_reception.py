"""The public 领导接访日 schedule (which leader receives visitors where and when)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xinfang.accounts.models import Area
from xinfang.screening.selectors import reception_days_public


@require_GET
def reception_days(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("area") or "").strip()[:12]
    return render(
        request,
        "portal/reception_days.html",
        {
            "days": reception_days_public(area_code=code),
            "areas": Area.objects.filter(
                level__lte=Area.Level.TOWNSHIP, active=True, level__gte=Area.Level.COUNTY
            ).order_by("path"),
            "area_code": code,
        },
    )
