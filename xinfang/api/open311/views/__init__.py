"""Open311 GeoReport v2 (docs: shared open311.md §2–§9, decisions §10, extensions §11.8).

Every view answers in the format of its suffix (.xml or .json); every error is the spec's
errors → error {code, description} body with 400 / 403 / 404. Nothing here raises a 500 on input.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from ..render import error_response
from .common import DEFAULT_CAP, Open311Error, open311_view
from .create import request_create
from .reads import request_detail, request_list, request_updates, token_lookup
from .services import discovery, service_definition, service_list

__all__ = [
    "DEFAULT_CAP",
    "Open311Error",
    "discovery",
    "not_found",
    "open311_view",
    "request_create",
    "request_detail",
    "request_list",
    "request_list_or_create",
    "request_updates",
    "service_definition",
    "service_list",
    "token_lookup",
]


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return error_response(fmt, 404, [(404, "没有这个 Open311 资源（格式后缀须为 .xml 或 .json）")])


@csrf_exempt
def request_list_or_create(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """/requests.{fmt}: POST creates (api_key required), GET queries (no key)."""
    if request.method == "POST":
        return request_create(request, fmt=fmt)
    return request_list(request, fmt=fmt)
