"""The one edge check of every front door (pages, the portal, REST, Open311): input no text field may
hold is refused here, once, before any view, form or query sees it.

PostgreSQL refuses a NUL in a text value outright (a 500 wherever it reaches a query); SQLite stores it.
Checking at the edge makes both databases answer the same: a control character in the path is a 404,
in a query parameter, a form field or a JSON string a 400, and nothing is stored. Tab, line feed and
carriage return stay allowed in parameters and bodies (multi-line texts); nothing else below U+0020,
and no DEL. A body over Django's upload limits (RequestDataTooBig, TooManyFieldsSent,
TooManyFilesSent) is a 413 here too, instead of Django's English 400 page.

Each door gets its own error shape: the REST API its JSON error body, Open311 the spec's errors body
in the suffix's format, pages a Chinese error page (rendered without the request: neither the session
nor the database is touched for a refused request).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template import loader

# Any C0 control or DEL: never in a path or a cookie.
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f]")
# In query parameters and bodies tab, LF and CR are text.
_BODY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A JSON string can only carry a control character escaped (raw ones are a parse error), so a body
# without such an escape needs no further look; one with it is parsed to tell `\\u0000` (a backslash
# and the text u0000) from `\u0000`.
_JSON_CONTROL_ESCAPE = re.compile(rb"\\u00(?:[01][0-9a-fA-F]|7[fF])")

CONTROL_MESSAGE = "提交的内容含有不允许的控制字符（如空字符 NUL），请删除后重新提交"
QUERY_MESSAGE = "请求参数含有不允许的控制字符（如空字符 NUL）"
PATH_MESSAGE = "页面不存在：地址中含有不允许的控制字符"
BAD_MULTIPART_MESSAGE = "提交的数据不完整或格式有误，请重新提交"


def max_multipart_bytes() -> int:
    """A backstop for uploads, checked on CONTENT_LENGTH before the body is read: the largest upload any
    view accepts (the staff import, or a portal submission with two full-size attachments) plus room
    for the form fields. The views keep their own, stricter limits and messages."""
    import_max = int(getattr(settings, "XINFANG_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
    portal_max = int(
        getattr(settings, "XINFANG_PORTAL_MAX_REQUEST_BYTES", 2 * settings.XINFANG_MAX_ATTACHMENT_BYTES + 1024 * 1024)
    )
    return int(getattr(settings, "XINFANG_MAX_UPLOAD_REQUEST_BYTES", max(import_max, portal_max) + 1024 * 1024))


def _too_large_message(exc: Exception | None = None) -> str:
    if isinstance(exc, TooManyFieldsSent):
        return f"提交的字段过多（不能超过{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}个）"
    if isinstance(exc, TooManyFilesSent):
        return f"提交的文件过多（不能超过{settings.DATA_UPLOAD_MAX_NUMBER_FILES}个）"
    if exc is None:
        return f"提交的内容过大（上传合计不能超过{max_multipart_bytes() // 1048576} MB），请压缩或减少附件后重新提交"
    limit_mb = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) / 1048576
    return f"提交的内容过大（文字内容不能超过{limit_mb:g} MB），较长材料请作为附件上传"


# ---------------------------------------------------------------- the answers, one shape per door


# A door above core (the REST API, Open311) registers how it words a refusal, by path prefix, from its
# AppConfig.ready(): core answers in the door's own error shape without importing it.
Responder = Callable[[HttpRequest, int, str, str], HttpResponse]
_RESPONDERS: dict[str, Responder] = {}


def register_refusal(prefix: str, responder: Responder) -> None:
    """`responder(request, status, message, field)` answers refusals for paths starting with `prefix`."""
    _RESPONDERS[prefix] = responder


def refusal(request: HttpRequest, status: int, message: str, *, field: str = "") -> HttpResponse:
    path = request.path_info
    for prefix, responder in _RESPONDERS.items():
        if path.startswith(prefix):
            return responder(request, status, message, field)
    html = loader.get_template(f"{status}.html").render({"message": message, "site_name": settings.XINFANG_SITE_NAME})
    return HttpResponse(html, status=status)


# ---------------------------------------------------------------- the checks


def _first_bad_pair(pairs: Iterable[tuple[str, str]], pattern: re.Pattern[str]) -> str | None:
    """The name of the first parameter whose name or value holds a refused character."""
    for key, value in pairs:
        if pattern.search(key) or pattern.search(value):
            return _ANY_CONTROL.sub("", key) or "?"
    return None


def _query_dict_pairs(data: QueryDict) -> Iterable[tuple[str, str]]:
    for key, values in data.lists():
        for value in values:
            yield key, value if isinstance(value, str) else ""


def json_holds_control(data: Any) -> str | None:
    """The top-level key (or "?") of the first string, or object key, with a refused character.
    Iterative: a deeply nested body must not end in a RecursionError here."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, top = stack.pop()
        if isinstance(value, str):
            if _BODY_CONTROL.search(value):
                return top or "?"
        elif isinstance(value, dict):
            for key, child in value.items():
                name = top or str(key)
                if _BODY_CONTROL.search(str(key)):
                    return _ANY_CONTROL.sub("", name) or "?"
                stack.append((child, name))
        elif isinstance(value, list):
            stack.extend((child, top) for child in value)
    return None


def _json_body_field(body: bytes) -> str | None:
    if not _JSON_CONTROL_ESCAPE.search(body):
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON (or nested too deep): the parser answers that itself
    return json_holds_control(data)


def _body_field(request: HttpRequest) -> str | None:
    """The field holding a refused character, or None. May raise Django's size exceptions."""
    content_type = (request.content_type or "").lower()
    if content_type == "multipart/form-data":
        if request.method != "POST":
            return None  # Django parses multipart only for POST; nothing else reads such a body
        # File contents are the views' business; Django already strips control characters from file names.
        return _first_bad_pair(_query_dict_pairs(request.POST), _BODY_CONTROL)
    if content_type == "application/x-www-form-urlencoded":
        data = request.POST if request.method == "POST" else QueryDict(request.body, encoding=request.encoding)
        return _first_bad_pair(_query_dict_pairs(data), _BODY_CONTROL)
    if content_type == "application/json" or content_type.endswith("+json"):
        return _json_body_field(request.body)
    return None  # other types are refused by the views (415 on the API) or not read at all


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _drop_bad_cookies(request: HttpRequest) -> None:
    """A cookie with a control character (a session id with a NUL would reach the session table) is
    ignored, as if it were absent: refusing every request of that browser would lock it out."""
    bad = [name for name, value in request.COOKIES.items() if _ANY_CONTROL.search(name) or _ANY_CONTROL.search(value)]
    for name in bad:
        del request.COOKIES[name]


class EdgeInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.check(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        if _ANY_CONTROL.search(request.path_info):
            return refusal(request, 404, PATH_MESSAGE)
        _drop_bad_cookies(request)
        try:
            # Tab and line breaks pasted into a search box are harmless (the search strips them).
            field = _first_bad_pair(_query_dict_pairs(request.GET), _BODY_CONTROL)
            if field:
                return refusal(request, 400, QUERY_MESSAGE, field=field)
            if (request.content_type or "").lower() == "multipart/form-data" and _content_length(
                request
            ) > max_multipart_bytes():
                return refusal(request, 413, _too_large_message())
            field = _body_field(request)
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
            return refusal(request, 413, _too_large_message(exc))
        except MultiPartParserError:
            return refusal(request, 400, BAD_MULTIPART_MESSAGE)
        if field:
            return refusal(request, 400, CONTROL_MESSAGE, field=field)
        return None
