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


class SkippedForTokenApi:
    """Put before a Django middleware class: token API calls pass it by, everything else goes through it."""

    get_response: Any  # set by the Django middleware it is mixed into

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if token_api_call(request):
            return cast(HttpResponse, self.get_response(request))
        return cast(HttpResponse, cast(Any, super()).__call__(request))


class SessionMiddleware(SkippedForTokenApi, session_middleware.SessionMiddleware):
    """Django's session middleware, passed by for token API calls."""


class AuthenticationMiddleware(SkippedForTokenApi, auth_middleware.AuthenticationMiddleware):
    """Django's authentication middleware, passed by for token API calls."""


class OTPMiddleware(SkippedForTokenApi, otp_middleware.OTPMiddleware):  # type: ignore[misc]  # django-otp has no types
    """django-otp's middleware, passed by for token API calls."""


class MessageMiddleware(SkippedForTokenApi, message_middleware.MessageMiddleware):
    """Django's messages middleware, passed by for token API calls."""
