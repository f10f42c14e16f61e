"""Short-lived download links of attachments and documents: signed (django.core.signing.TimestampSigner)
for one file and one viewer, expiring after XINFANG_DOWNLOAD_LINK_MAX_AGE seconds. The download views check
the link and then the case access as always; a link copied out of a page stops working for anyone else,
and for its owner soon after. Files are never served from a public /media/ URL."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

SALT = "xinfang.download"
EXPIRED = "下载链接已失效（链接仅限本人在短时间内使用），请回到页面重新点击下载"


def _viewer(request: HttpRequest, portal_number: str = "") -> str:
    if portal_number:
        return f"portal:{portal_number}:{request.session.session_key or ''}"
    user: Any = request.user
    return f"user:{user.pk}"


def download_token(request: HttpRequest, kind: str, pk: int, *, portal_number: str = "") -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{kind}:{pk}:{_viewer(request, portal_number)}")


def download_check(request: HttpRequest, kind: str, pk: int, *, portal_number: str = "") -> None:
    """PermissionDenied (a Chinese page, 403) unless ?t= is this viewer's unexpired link to this file."""
    token = request.GET.get("t", "")
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=settings.XINFANG_DOWNLOAD_LINK_MAX_AGE)
    except signing.BadSignature:
        raise PermissionDenied(EXPIRED) from None
    if value != f"{kind}:{pk}:{_viewer(request, portal_number)}":
        raise PermissionDenied(EXPIRED)
