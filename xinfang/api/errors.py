"""The one exception handler of the REST API: every error is

    {"code": "...", "message": "中文", "errors": {"field": ["中文"]}}

with the status of the DomainError (400 invalid, 403 not permitted, 404, 409 invalid transition or
deadline passed) or of the DRF exception (400, 401, 403, 404, 405, 406, 415, 429).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from xinfang.core.errors import DomainError, ValidationFailed

from .texts import DRF_FIELD_MESSAGES, DRF_MESSAGES, INVALID_MESSAGE

NOT_FOUND_MESSAGE = "信访事项不存在或无权查看"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "请求冲突"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"
    default_detail = "请求无法处理"


def error_body(code: str, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "errors": errors or {}}


def _message(item: Any) -> str:
    """Every message is Chinese: one of DRF's left untranslated (all ASCII) is replaced by its code."""
    text = str(item)
    if text and not text.isascii():
        return text
    return DRF_FIELD_MESSAGES.get(str(getattr(item, "code", "")), INVALID_MESSAGE)


def _flatten_messages(detail: Any) -> Any:
    """DRF ErrorDetail trees → plain str lists / dicts (nested serializers keep their nesting)."""
    if isinstance(detail, dict):
        return {str(k): _flatten_messages(v) for k, v in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [_message(item) for item in detail]
        # A ListSerializer: one dict per item; keep only the items with errors, keyed by position.
        return {str(i): _flatten_messages(item) for i, item in enumerate(detail) if item}
    return [_message(detail)]


def _first_message(errors: Any) -> str:
    if isinstance(errors, dict):
        for value in errors.values():
            found = _first_message(value)
            if found:
                return found
        return ""
    if isinstance(errors, list):
        return str(errors[0]) if errors else ""
    return str(errors)


def domain_error_response(exc: DomainError) -> Response:
    if isinstance(exc, ValidationFailed):
        errors: dict[str, Any] = {k: list(v) for k, v in exc.errors.items()}
    elif exc.field:
        errors = {exc.field: [exc.message]}
    else:
        errors = {}
    return Response(error_body(exc.code, exc.message, errors), status=exc.http_status)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Services roll back their own transactions, so unlike DRF's default handler this one never
    marks the outer transaction for rollback (the idempotency layer still has to write)."""
    if isinstance(exc, DomainError):
        return domain_error_response(exc)
    if isinstance(exc, Http404):
        text = str(exc)
        message = text if text and not text.isascii() else NOT_FOUND_MESSAGE  # Django's own texts are English
        return Response(error_body("not_found", message), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response(error_body("permission_denied", str(exc) or DRF_MESSAGES["permission_denied"]), status=403)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten_messages(as_serializer_error(exc))
        non_field = errors.pop("non_field_errors", None) if isinstance(errors, dict) else None
        if non_field:
            errors["__all__"] = non_field
        message = _first_message(errors) or "请求参数有误"
        return Response(error_body("invalid", message, errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.APIException):
        response = drf_exception_handler(exc, context)
        if response is None:  # pragma: no cover - DRF handles every APIException
            return None
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        detail = str(exc.detail)
        if detail.startswith("CSRF Failed"):
            message = "CSRF 校验失败：浏览器会话发出的请求须带 X-CSRFToken 请求头"
        elif detail == str(exc.default_detail) or detail.isascii():
            message = DRF_MESSAGES.get(code) or detail  # DRF's default text, replaced by ours
        else:
            message = detail  # a specific Chinese text set where the exception was raised
        # Throttled.wait is set by its __init__ but missing from the stubs
        wait: float | None = exc.wait if isinstance(exc, exceptions.Throttled) else None  # type: ignore[attr-defined]
        if wait:
            message = f"{DRF_MESSAGES['throttled']}（约{int(wait) + 1}秒后）"
        response.data = error_body(code, message)
        return response
    return None


def edge_refusal(request: HttpRequest, status: int, message: str, field: str) -> HttpResponse:
    """core.edge's refusal (control characters, oversized bodies) in the API's error shape."""
    code = {400: "invalid", 404: "not_found", 413: "too_large"}[status]
    return JsonResponse(
        error_body(code, message, {field: [message]} if field else None),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
