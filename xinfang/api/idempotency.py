"""`Idempotency-Key` on POST: a retry with the same key returns the first response and acts once.

Insert-first: the (scope, key) row is committed BEFORE the action runs. A concurrent retry then
fails the unique constraint and polls for the stored response (or answers 409 "请求正在处理" if
the first attempt is still running after XINFANG_IDEMPOTENCY_WAIT_S seconds). The action and the
stored response commit in one transaction, so a stored response always means "the action happened".
A 5xx or 429 is not stored: the row is released and the client may retry with the same key.
A different request (method, path or body) with a used key is refused with 422.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from .auth import idempotency_scope
from .errors import error_body
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="客户端生成的唯一键（如 UUID）。同一键的重试返回第一次的结果，不会重复办理。",
)


def _wait_seconds() -> float:
    return float(getattr(settings, "XINFANG_IDEMPOTENCY_WAIT_S", 15))


def _stale_seconds() -> float:
    """A claim older than this without a response belongs to a crashed worker and may be taken over."""
    return float(getattr(settings, "XINFANG_IDEMPOTENCY_STALE_S", 120))


def _canonical(data: Any) -> Any:
    if isinstance(data, QueryDict):
        return {k: data.getlist(k) for k in sorted(data.keys())}
    return data


def fingerprint(request: Request) -> str:
    body = json.dumps(_canonical(request.data), sort_keys=True, ensure_ascii=False, cls=JSONEncoder, default=str)
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def _mismatch() -> Response:
    return Response(
        error_body("idempotency_key_reused", "该 Idempotency-Key 已用于另一个内容不同的请求，请为新请求使用新的键"),
        status=422,
    )


def _in_progress() -> Response:
    response = Response(
        error_body("request_in_progress", "请求正在处理，请稍后用同一 Idempotency-Key 重试"), status=409
    )
    response["Retry-After"] = "2"
    return response


def _claim(scope: str, key: str, fp: str, request: Request) -> tuple[IdempotencyRecord | None, Response | None]:
    """(record we own, None) to run the action; (None, response) to answer without running it."""
    deadline = time.monotonic() + _wait_seconds()
    pause = 0.02
    try_insert = True
    while True:
        now = timezone.now()
        if try_insert:
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        scope=scope,
                        key=key,
                        fingerprint=fp,
                        method=request.method or "",
                        path=request.path[:400],
                        locked_at=now,
                    )
                return record, None
            except IntegrityError:
                try_insert = False  # someone holds the key: from now on only read until it is released
        existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if existing is None:  # released (the first attempt failed with a 5xx): try to take the key
            try_insert = True
            continue
        if existing.fingerprint != fp:
            return None, _mismatch()
        if existing.completed_at is not None:
            return None, _replay(existing)
        if now - existing.locked_at > dt.timedelta(seconds=_stale_seconds()):
            taken = IdempotencyRecord.objects.filter(
                pk=existing.pk, completed_at__isnull=True, locked_at=existing.locked_at
            ).update(locked_at=now)
            if taken:
                existing.locked_at = now
                return existing, None
        if time.monotonic() >= deadline:
            return None, _in_progress()
        time.sleep(pause)
        pause = min(pause * 1.5, 0.25)


def _release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, completed_at__isnull=True).delete()


def idempotent(method: Callable[..., Response]) -> Callable[..., Response]:
    """Decorate an APIView's `post`. Runs after authentication, so the key is scoped to the caller."""

    @wraps(method)
    def wrapper(self: APIView, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = (request.headers.get(HEADER) or "").strip()
        if not key:
            return method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return Response(
                error_body("invalid", f"{HEADER} 应为不超过{MAX_KEY_LENGTH}个可打印字符", {HEADER: ["格式无效"]}),
                status=400,
            )
        try:
            fp = fingerprint(request)
        except Exception as exc:  # an unparseable body: let the view answer it, without idempotency
            return self.handle_exception(exc)
        record, answer = _claim(idempotency_scope(request), key, fp, request)
        if answer is not None:
            return answer
        assert record is not None
        stored = False
        try:
            with transaction.atomic():
                try:
                    response = method(self, request, *args, **kwargs)
                except Exception as exc:
                    response = self.handle_exception(exc)
                if response.status_code < 500 and response.status_code != 429:
                    body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                    IdempotencyRecord.objects.filter(pk=record.pk).update(
                        status_code=response.status_code, body=body, completed_at=timezone.now()
                    )
                    stored = True
                else:
                    transaction.set_rollback(True)
        finally:
            if not stored:
                _release(record)
        return response

    return wrapper
