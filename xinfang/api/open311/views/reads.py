"""GET requests: token lookup, the request list (window, filters, cap), one request and the updates."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from xinfang.petitions.models import Event
from xinfang.petitions.workflow import Status

from ...models import Open311Submission
from .. import selectors
from ..render import respond
from .common import (
    DEFAULT_CAP,
    WINDOW,
    Open311Error,
    int_param,
    jurisdiction_param,
    list_param,
    open311_view,
    param,
    w3c,
)


@open311_view
@require_http_methods(["GET", "HEAD"])
def token_lookup(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    jurisdiction_param(request)
    submission = Open311Submission.objects.select_related("petition").filter(token=token.strip()).first()
    if submission is None:
        raise Open311Error(404, "未知的 token")
    return respond(fmt, "service_requests", [{"service_request_id": submission.petition.number, "token": token}])


def _window(request: HttpRequest, start_name: str, end_name: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    start = w3c(param(request, start_name), start_name)
    end = w3c(param(request, end_name), end_name, end=True)
    if start and end and start > end:
        raise Open311Error(400, f"{start_name} 不能晚于 {end_name}")
    return start, end


@open311_view
@require_http_methods(["GET", "HEAD"])
def request_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    area = jurisdiction_param(request)
    extensions = param(request, "extensions").lower() == "true"
    page = int_param(request, "page", 1, 1, 1_000_000)
    page_size = int_param(request, "page_size", DEFAULT_CAP, 1, DEFAULT_CAP)
    qs = selectors.open311_public_petitions()
    if area is not None:
        qs = qs.filter(area_path__startswith=area.path)
    ids = list_param(request, "service_request_id")
    if ids:  # overrides every other argument (§7)
        qs = qs.filter(number__in=ids[:DEFAULT_CAP])
    else:
        start, end = _window(request, "start_date", "end_date")
        updated_after, updated_before = _window(request, "updated_after", "updated_before")
        if start and end and end - start > WINDOW:
            raise Open311Error(400, "start_date 与 end_date 的跨度不能超过90天")
        if not (start or end or updated_after or updated_before):
            end = timezone.now()
            start = end - WINDOW  # no dates: the last 90 days (§7)
        elif start and not end:
            end = start + WINDOW
        elif end and not start:
            start = end - WINDOW
        if start:
            qs = qs.filter(received_at__gte=start, received_at__lte=end)
        if updated_after:
            qs = qs.filter(updated_at__gt=updated_after)
        if updated_before:
            qs = qs.filter(updated_at__lte=updated_before)
        codes = list_param(request, "service_code")
        if codes:
            qs = qs.filter(category__code__in=codes)
        statuses = {s.lower() for s in list_param(request, "status")}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status 只能为 open、closed 或二者（逗号分隔）")
        if statuses == {"open"}:
            qs = qs.exclude(status__in=Status.terminal())
        elif statuses == {"closed"}:
            qs = qs.filter(status__in=Status.terminal())
    # Creation order (id): a new case is always appended, so pages stay stable while cases arrive.
    offset = (page - 1) * page_size
    rows = list(qs.order_by("id")[offset : offset + page_size])
    return respond(fmt, "service_requests", selectors.request_documents(rows, extensions=extensions))


@open311_view
@require_http_methods(["GET", "HEAD"])
def request_detail(request: HttpRequest, service_request_id: str, *, fmt: str) -> HttpResponse:
    area = jurisdiction_param(request)
    qs = selectors.open311_public_petitions().filter(number=service_request_id.strip())
    if area is not None:
        qs = qs.filter(area_path__startswith=area.path)
    petition = qs.first()
    if petition is None:
        raise Open311Error(404, f"未知的 service_request_id：{service_request_id}")
    extensions = param(request, "extensions").lower() == "true"
    return respond(fmt, "service_requests", selectors.request_documents([petition], extensions=extensions))


@open311_view
@require_http_methods(["GET", "HEAD"])
def request_updates(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """mySociety's GET servicerequestupdates (§11.6 a): the published events of public cases, filtered
    on the event time (start_date/end_date; the last 90 days by default), in event order, paged."""
    area = jurisdiction_param(request)
    start, end = _window(request, "start_date", "end_date")
    if start and end and end - start > WINDOW:
        raise Open311Error(400, "start_date 与 end_date 的跨度不能超过90天")
    end = end or (start + WINDOW if start else timezone.now())
    start = start or end - WINDOW
    page = int_param(request, "page", 1, 1, 1_000_000)
    page_size = int_param(request, "page_size", DEFAULT_CAP, 1, DEFAULT_CAP)
    public = selectors.open311_public_petitions()
    if area is not None:
        public = public.filter(area_path__startswith=area.path)
    events = (
        Event.objects.filter(
            petition__in=public.values("pk"),
            at__gte=start,
            at__lte=end,
            action__in=[a.value for a in selectors.NOTE_TYPES],
        )
        .select_related("petition", "unit")
        .order_by("at", "id")
    )
    offset = (page - 1) * page_size
    rows = list(events[offset : offset + page_size])
    return respond(fmt, "service_request_updates", selectors.update_documents(rows))
