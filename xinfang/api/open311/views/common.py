"""What every Open311 view shares: the error that becomes the spec's error body, the decorator that answers
in the suffix's format, and the parameter parsers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from xinfang.accounts.models import Area
from xinfang.core.errors import DomainError, NotPermitted, ValidationFailed
from xinfang.core.timeutil import SHANGHAI
from xinfang.core.validators import is_ascii_digits
from xinfang.petitions.models import Category

from ...models import Open311Service
from ..render import FORMATS, error_response

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
MAX_DESCRIPTION = 4000
WINDOW = dt.timedelta(days=90)
DEFAULT_CAP = 1000
HTML_LIKE = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>")
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
CJK = re.compile(r"[\u3400-\u9fff]")


class Open311Error(Exception):
    def __init__(self, status: int, description: str, *more: str) -> None:
        super().__init__(description)
        self.status = status
        self.descriptions = [description, *more]


def open311_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Map every refusal to the spec's error body, in the requested format."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, fmt: str = "xml", **kwargs: Any) -> HttpResponse:
        if fmt not in FORMATS:
            return error_response("xml", 404, [(404, f"不支持的格式：.{fmt}（支持 .xml 和 .json）")])
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return error_response(fmt, exc.status, [(exc.status, d) for d in exc.descriptions])
        except ValidationFailed as exc:
            return error_response(fmt, 400, [(400, m) for msgs in exc.errors.values() for m in msgs])
        except NotPermitted as exc:
            return error_response(fmt, 403, [(403, exc.message)])
        except DomainError as exc:
            return error_response(fmt, 400, [(400, exc.message)])
        except Http404 as exc:
            text = str(exc)
            return error_response(fmt, 404, [(404, text if text and not text.isascii() else "资源不存在")])

    return csrf_exempt(wrapped)


def param(request: HttpRequest, name: str) -> str:
    """An optional parameter sent empty is the same as one not sent (§1.5)."""
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or "").strip()


def list_param(request: HttpRequest, name: str) -> list[str]:
    """Comma lists, items trimmed; repeated parameters are accepted too (§10.6)."""
    items: list[str] = []
    for raw in request.GET.getlist(name):
        items.extend(item.strip() for item in raw.split(","))
    return [i for i in items if i]


def jurisdiction_param(request: HttpRequest) -> Area | None:
    """Optional (§10.4): if given it must be an administrative-division code we host."""
    code = param(request, "jurisdiction_id")
    if not code:
        return None
    area: Area | None = Area.objects.filter(code=code, active=True).first()
    if area is None:
        raise Open311Error(404, f"未知的 jurisdiction_id：{code}（应为本平台的行政区划代码）")
    return area


def w3c(value: str, name: str, *, end: bool = False) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "+") if "T" in value else value)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise Open311Error(400, f"{name} 不是 W3C 日期时间格式（如 2026-01-01T00:00:00+08:00）")
        parsed = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if not 1900 <= parsed.year <= 2999:
        raise Open311Error(400, f"{name} 超出可处理的年份范围")
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed


def int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = param(request, name)
    if not raw:
        return default
    if not is_ascii_digits(raw) or not low <= int(raw) <= high:
        raise Open311Error(400, f"{name} 应为 {low} 至 {high} 的整数")
    return int(raw)


# ---------------------------------------------------------------- discovery and services


def changeset_stamp() -> str:
    stamp = Open311Service.objects.aggregate(last=Max("updated_at"))["last"]
    count = Category.objects.filter(active=True).count()
    base = stamp.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if stamp else "2026-01-01 00:00"
    return f"{base} #{count}"
