"""统计分析 pages: parse → figures → render. The figures and their definitions live in figures.py and
definitions.py; these views only show them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from xinfang.accounts.access import actor_context
from xinfang.core.errors import DomainError, NotPermitted
from xinfang.documents.services import document_content
from xinfang.petitions.models import Channel

from . import definitions as d
from . import export, page, report, services
from .config import stats_config
from .templatetags.stats_tags import pct


def _parse(request: HttpRequest) -> page.Request:
    try:
        return page.parse(request.user, request.GET)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from None


def _cards(data: dict[str, Any], query: str) -> list[dict[str, Any]]:
    cards = []
    h, prev, ly = data["headline"], data["previous"], data["last_year"]
    for ind in d.indicators(stats_config()):
        block = h["indicators"][ind.key]
        cards.append(
            {
                "key": ind.key,
                "label": ind.label,
                "formula": ind.formula,
                "block": block,
                "buckets": [(b.key, b.label, block["buckets"][b.key]) for b in ind.buckets],
                "previous": prev["indicators"][ind.key]["rate"],
                "last_year": ly["indicators"][ind.key]["rate"],
                "query": query,
            }
        )
    return cards


def _volumes(data: dict[str, Any]) -> list[dict[str, Any]]:
    h, prev, ly = data["headline"]["volumes"], data["previous"]["volumes"], data["last_year"]["volumes"]
    return [
        {
            "key": v.key,
            "label": v.label,
            "formula": v.formula,
            "value": h[v.key],
            "persons": h.get(v.persons_key) if v.persons_key else None,
            "previous": prev[v.key],
            "last_year": ly[v.key],
        }
        for v in d.VOLUMES
    ]


def _ranking_rows(data: dict[str, Any], query: str) -> list[dict[str, Any]]:
    """The ranking table's rows, each cell already formatted (link, rate, "numerator/denominator"): the
    template only loops over them (units × indicators cells; resolving each in the template was a
    quarter of the page's time). Counts as text: the template's number localization of ~5,000 cells of a
    city was another 40 ms, for digits it leaves as they are (no thousands separator here)."""
    base = f"{reverse('statistics:cases')}?{query}"
    columns = [
        (ind.key, f"{base}&indicator={ind.key}&bucket={ind.buckets[0].key}") for ind in d.indicators(stats_config())
    ]
    rows = []
    for u in data["ranking"]:
        blocks = u["indicators"]
        unit_part = f"&unit_id={u['unit_id']}"
        rows.append(
            {
                "sample_ok": u["sample_ok"],
                "rank": u["rank"] or "样本不足",
                "name": u["name"],
                "received": str(u["received"]),
                # A figure without cases (denominator 0: a 信访部门's figure in a 承办单位's row, a unit nobody
                # rated) is a dash, with no link to an empty list: a quarter of a city's cells.
                "cells": [
                    (href + unit_part, pct(b["rate"]), f"{b['numerator']}/{b['denominator']}")
                    if b["denominator"]
                    else ("", "—", "")
                    for key, href in columns
                    for b in (blocks[key],)
                ],
            }
        )
    return rows


OVERVIEW_EACH_END = 10  # the page's 红黑榜: the first and the last ten ranked units (the whole table: ranking/)
OVERVIEW_SLACK = 5  # a gap of this many rows or fewer is shown rather than linked


def _overview(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int, int]:
    """The page's ranking: the first and the last OVERVIEW_EACH_END ranked units (all of them when few), the
    number of ranked units left out between them, and the number of units under the minimum sample (listed
    on the full ranking only)."""
    ranked = [r for r in rows if r["sample_ok"]]
    small = len(rows) - len(ranked)
    n = OVERVIEW_EACH_END
    if len(ranked) <= 2 * n + OVERVIEW_SLACK:
        return ranked, 0, small
    return [*ranked[:n], {"gap": len(ranked) - 2 * n}, *ranked[len(ranked) - n :]], len(ranked) - 2 * n, small


def _guard(request: HttpRequest) -> tuple[page.Request, str]:
    """The page's parameters, or (the defaults, the Chinese message of what was wrong)."""
    if not services.can_see_stats(request.user):
        raise PermissionDenied("您的岗位不能查看统计分析")
    try:
        return _parse(request), ""
    except DomainError as exc:
        return page.parse(request.user, {}), exc.message


@login_required
@require_GET
def stats_page(request: HttpRequest) -> HttpResponse:
    req, error = _guard(request)
    query = urlencode(req.query)
    snapshot = None
    if req.area is not None and req.unit is None and not req.live and services.sees_whole_area(request.user, req.area):
        snapshot = services.snapshot_latest(area=req.area, period=req.period)
    data = page.full(req)
    overview, gap, small = _overview(_ranking_rows(data, query))
    charts = {
        "trend": data["trend"],
        "category": data["breakdowns"]["category"][:12],
        "channel": data["breakdowns"]["channel"],
    }
    context = {
        "req": req,
        "error": error,
        "query": query,
        "cards": _cards(data, query),
        "volumes": _volumes(data),
        "data": data,
        "ranking_rows": overview,
        "ranking_gap": gap,
        "ranking_small": small,
        "ranking_total": len(data["ranking"]),
        "ranking_each_end": OVERVIEW_EACH_END,
        "min_sample": data["min_sample"],
        "snapshot": snapshot,
        "frozen": snapshot.data["summary"] if snapshot else None,
        "charts": charts,  # json_script encodes it (once)
        "indicators": d.indicators(stats_config()),  # the ranking's columns and its choice of indicator
        "kinds": [("month", "月"), ("quarter", "季度"), ("year", "年"), ("custom", "自定义")],
        "channel_labels": dict(Channel.choices),
        "breakdown_labels": [(k, label) for k, label, _f in d.BREAKDOWNS],
    }
    return render(request, "statistics/page.html", context)


@login_required
@require_GET
def stats_ranking(request: HttpRequest) -> HttpResponse:
    """The whole ranking of the scope's units on the chosen indicator, the ones under the minimum sample
    last: what the page's 红黑榜 shows the two ends of."""
    req, error = _guard(request)
    query = urlencode(req.query)
    data = page.ranking(req)
    context = {
        "req": req,
        "error": error,
        "query": query,
        "ranking_rows": _ranking_rows(data, query),
        "min_sample": data["min_sample"],
        "indicators": d.indicators(stats_config()),
    }
    return render(request, "statistics/ranking.html", context)


@login_required
@require_GET
def stats_cases(request: HttpRequest) -> HttpResponse:
    if not services.can_see_stats(request.user):
        raise PermissionDenied("您的岗位不能查看统计分析")
    try:
        req = _parse(request)
        qs, title = page.drill_cases(req, request.GET)
    except DomainError as exc:
        return render(request, "statistics/cases.html", {"error": exc.message}, status=400)
    pager = Paginator(qs.select_related("current_unit", "office_unit"), 50)
    number = request.GET.get("page") or 1
    current = pager.get_page(number)
    back = urlencode(req.query)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "statistics/cases.html",
        {"page": current, "title": title, "req": req, "back": back, "query": query.urlencode()},
    )


@login_required
@require_GET
def stats_export(request: HttpRequest) -> HttpResponse:
    if not services.can_see_stats(request.user):
        raise PermissionDenied("您的岗位不能查看统计分析")
    try:
        req = _parse(request)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    content = export.workbook(req, page.full(req))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"统计分析-{req.period.start:%Y%m%d}-{req.period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


@login_required
@require_POST
def stats_report(request: HttpRequest) -> HttpResponse:
    """月报/季报 of the chosen area and month or quarter: stored as a Document (文号, version), then sent."""
    if not services.can_see_stats(request.user):
        raise PermissionDenied("您的岗位不能查看统计分析")
    try:
        req = _parse_report(request)
        doc = report.report_issue(actor=request.user, req=req)
        content = document_content(doc)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(doc.filename)}"
    return response


def _parse_report(request: HttpRequest) -> page.Request:
    """The page's parameters (sent with the form); without an area, the area of the user's own post."""
    params = request.POST.copy()
    if not params.get("area"):
        units = list(actor_context(request.user).units.values())
        if units:
            params["area"] = units[0].area.code
    try:
        return page.parse(request.user, params)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from None


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
