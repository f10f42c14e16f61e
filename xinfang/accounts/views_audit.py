"""The 审计员's page: the access log (case pages opened, attachments and documents downloaded, exports),
filtered by kind, person, case number, address and date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xinfang.core.models import AccessLog
from xinfang.core.timeutil import SHANGHAI

from .access import actor_context
from .models import Role


class AccessLogFilter(forms.Form):
    kind = forms.ChoiceField(label="访问类型", required=False, choices=[("", "全部"), *AccessLog.Kind.choices])
    actor = forms.CharField(label="访问人", required=False, max_length=50)
    reference = forms.CharField(label="信访件编号", required=False, max_length=40)
    ip = forms.GenericIPAddressField(label="IP 地址", required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def is_auditor(user: Any) -> bool:
    ctx = actor_context(user)
    return bool(ctx.is_superuser or Role.AUDITOR in ctx.all_roles)


@login_required
@require_GET
def access_log_page(request: HttpRequest) -> HttpResponse:
    if not is_auditor(request.user):
        raise PermissionDenied("仅审计员可以查看访问日志")
    form = AccessLogFilter(request.GET or None)
    qs = AccessLog.objects.select_related(None).order_by("-at", "-id")
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        if c["kind"]:
            qs = qs.filter(kind=c["kind"])
        if c["actor"]:
            qs = qs.filter(actor_label__icontains=c["actor"].strip())
        if c["reference"]:
            qs = qs.filter(reference=c["reference"].strip())
        if c["ip"]:
            qs = qs.filter(ip=c["ip"])
        if c["date_from"]:
            qs = qs.filter(at__gte=_day_start(c["date_from"]))
        if c["date_to"]:
            qs = qs.filter(at__lt=_day_start(c["date_to"] + dt.timedelta(days=1)))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/access_log.html", {"form": form, "page": page, "query": query.urlencode()})
