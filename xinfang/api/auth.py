"""`Authorization: Token <t>` for systems; the rate limit per caller."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle

from .models import ApiToken
from .services import credential_lookup, credential_touch
from .texts import DRF_MESSAGES


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization 请求头格式应为：Token <令牌>")
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(DRF_MESSAGES["authentication_failed"]) from None
        token = credential_lookup(ApiToken, raw)
        if token is None:
            raise exceptions.AuthenticationFailed(DRF_MESSAGES["authentication_failed"])
        credential_touch(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiRateThrottle(UserRateThrottle):
    """Per token / user (per IP when anonymous); XINFANG_API_RATE, e.g. "3000/min". Counted in the cache
    XINFANG_API_RATE_CACHE names: each worker's memory, or Redis when REDIS_URL is set (settings)."""

    scope = "api"
    cache = caches[settings.XINFANG_API_RATE_CACHE]


# drf-spectacular leaves the extension base's __init_subclass__ unannotated
class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <令牌>`；令牌由管理员在系统管理或用 `manage.py api_token create` 签发",
        }


def idempotency_scope(request: Request) -> str:
    """Keys are scoped per token, or per user for a browser session."""
    if isinstance(request.auth, ApiToken):
        return f"token:{request.auth.pk}"
    return f"user:{request.user.pk}"
