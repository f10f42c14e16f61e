"""The 审计员's page: the access log (case pages opened, attachments and documents downloaded, exports),
filtered by kind, person, case number, address and date, within the auditor's own area (the area of the
unit of their 审计员 post, and every area under it; a superuser sees all); and its export (CSV, Excel),
itself access-logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from xinfang.core.access_log import access_log
from xinfang.core.audit import audit_record
from xinfang.core.models import AccessLog
from xinfang.core.timeutil import SHANGHAI

from .access import actor_context
from .audit_export import EXPORT_FORMATS, TooMany, export_response
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


def auditor_area_q(user: Any) -> Q | None:
    """The entries this auditor sees: those of the areas of their 审计员 posts and every area under them;
    Q() for a superuser (everything); None for anyone else."""
    ctx = actor_context(user)
    if ctx.is_superuser:
        return Q()
    paths = sorted({unit.area.path for unit in ctx.units_with(Role.AUDITOR)})
    if not paths:
        return None
    scope = Q(pk__in=[])
    for path in paths:
        scope |= Q(area_path__startswith=path)
    return scope


def access_log_rows(user: Any, form: AccessLogFilter) -> QuerySet[AccessLog]:
    scope = auditor_area_q(user)
    if scope is None:
        raise PermissionDenied("仅审计员可以查看访问日志")
    qs = AccessLog.objects.filter(scope).order_by("-at", "-id")
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
    return qs


@login_required
@require_GET
def access_log_page(request: HttpRequest) -> HttpResponse:
    form = AccessLogFilter(request.GET or None)
    page = Paginator(access_log_rows(request.user, form), 50).get_page(request.GET.get("page"))
    filters = _without(request, "page")
    return render(
        request,
        "accounts/access_log.html",
        {"form": form, "page": page, "query": filters},
    )


def _without(request: HttpRequest, key: str) -> str:
    query = request.GET.copy()
    query.pop(key, None)
    return query.urlencode()


@login_required
@require_GET
def access_log_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered log as CSV or Excel; the export is itself logged (and audited) with its filters."""
    form = AccessLogFilter(request.GET or None)
    qs = access_log_rows(request.user, form)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_FORMATS:
        fmt = "xlsx"
    if form.is_bound and not form.is_valid():
        filters: dict[str, str] = {}
    else:
        filters = {k: str(v) for k, v in (form.cleaned_data if form.is_bound else {}).items() if v}
    try:
        response, count = export_response(qs, fmt)
    except TooMany as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('accounts:access-log')}?{_without(request, 'format')}")
    ctx = actor_context(request.user)
    areas = sorted({u.area.path for u in ctx.units_with(Role.AUDITOR)})
    access_log(
        actor=request.user,
        kind=AccessLog.Kind.EXPORT,
        target=f"访问日志导出（{count} 条）",
        area_path=areas[0] if areas else "",
        data={"what": "access_log", "format": fmt, "filters": filters, "count": count},
    )
    audit_record(
        actor=request.user, action="accesslog.export", data={"format": fmt, "filters": filters, "count": count}
    )
    return response
