"""Failed-lookup counters for the portal, in Django's cache (fixed 15-minute windows).

The cache is shared by every web process and machine (settings.CACHES: the database, or Redis with
REDIS_URL), so a scanner spread over gunicorn workers meets the same limits as one hitting a single one.

The 查询码 has 80 bits, so guessing is hopeless anyway; the limits keep scanners and scripted
guessing off the database. Only failures count. Per IP (a scanner trying many numbers) and per
case number (many IPs trying one case). A per-number limit can be tripped by someone else, which
locks the owner out for one window at most; the staff can still tell the petitioner the progress.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = int(getattr(settings, "XINFANG_PORTAL_LOOKUP_WINDOW_SECONDS", 15 * 60))
IP_LIMIT = int(getattr(settings, "XINFANG_PORTAL_LOOKUP_IP_LIMIT", 10))
NUMBER_LIMIT = int(getattr(settings, "XINFANG_PORTAL_LOOKUP_NUMBER_LIMIT", 5))


def _ip_key(ip: str | None) -> str:
    return f"portal:lookup:ip:{ip or 'unknown'}"


def _number_key(number: str) -> str | None:
    number = (number or "").strip().upper()
    if not number:
        return None
    # Hashed: user input never becomes a raw cache key (memcached rejects spaces and long keys).
    return "portal:lookup:no:" + hashlib.sha256(number.encode()).hexdigest()[:32]


def _count(key: str | None) -> int:
    return int(cache.get(key) or 0) if key else 0


def _hit(key: str | None) -> None:
    if not key:
        return
    cache.add(key, 0, timeout=WINDOW_SECONDS)  # the window starts at the first failure
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS)


def lookup_blocked(*, ip: str | None, number: str) -> bool:
    """True when this IP or this case number has used up its failures for the window."""
    return _count(_ip_key(ip)) >= IP_LIMIT or _count(_number_key(number)) >= NUMBER_LIMIT


def lookup_failed(*, ip: str | None, number: str) -> None:
    _hit(_ip_key(ip))
    _hit(_number_key(number))


def window_minutes() -> int:
    return max(1, WINDOW_SECONDS // 60)
