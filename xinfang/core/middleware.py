"""Per request: the client address (every audit record carries it) and the memo of reference-data tokens."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, cast

from django.contrib.auth import middleware as auth_middleware
from django.contrib.messages import middleware as message_middleware
from django.contrib.sessions import middleware as session_middleware
from django.http import HttpRequest, HttpResponse
from django_otp import middleware as otp_middleware

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


# ---------------------------------------------------------------- API calls with a token
#
# A system calling the REST API with `Authorization: Token …` has no session, no login, no second factor,
# no CSRF cookie and no flash messages; the middleware that provide those cost ~0.25 ms of each such call
# (measured on registration, in-process). Their variants below pass such requests straight through and
# behave as Django's for everything else (pages, the portal, the API with a session, which keeps its
# CSRF check in DRF's SessionAuthentication). Security, locale, clickjacking and CSP headers stay on every
# response. A Token header on a page path changes nothing: only /api/ paths are passed through.


def token_api_call(request: HttpRequest) -> bool:
    if not request.path_info.startswith("/api/"):
        return False
    scheme: str = request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0]
    return scheme.lower() == "token"


def _skipped_for_token_api(base: type) -> type:
    def __call__(self: Any, request: HttpRequest) -> HttpResponse:  # noqa: N807
        if token_api_call(request):
            return cast(HttpResponse, self.get_response(request))
        return cast(HttpResponse, base.__call__(self, request))

    return type(base.__name__, (base,), {"__call__": __call__, "__module__": __name__, "__doc__": base.__doc__})


SessionMiddleware = _skipped_for_token_api(session_middleware.SessionMiddleware)
AuthenticationMiddleware = _skipped_for_token_api(auth_middleware.AuthenticationMiddleware)
OTPMiddleware = _skipped_for_token_api(otp_middleware.OTPMiddleware)
MessageMiddleware = _skipped_for_token_api(message_middleware.MessageMiddleware)
