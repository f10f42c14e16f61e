"""Per request: the client address (every audit record carries it) and the memo of reference-data tokens."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from . import versioned

current_ip: ContextVar[str | None] = ContextVar("xinfang_current_ip", default=None)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Behind a trusted proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips).
        token = current_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            with versioned.request_scope():  # reference-data tokens read once per request
                return self.get_response(request)
        finally:
            current_ip.reset(token)
