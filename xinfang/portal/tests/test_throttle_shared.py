"""The throttle counters are shared by every process: the database cache by default, Redis with REDIS_URL.

Each "process" here is a thread, which Django gives its own cache client and its own database
connection; the real Redis test runs a throwaway redis-server on a loopback port.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connections
from django.urls import reverse

from xinfang.portal import throttle

pytestmark = pytest.mark.django_db(transaction=True)


def in_other_process(fn: Callable[[], Any]) -> Any:
    """Run fn with a cache client and database connection of its own (a thread: Django keeps both per thread)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["client"] = caches["default"]
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the test
            box["error"] = exc
        finally:
            connections.close_all()

    t = threading.Thread(target=target)
    t.start()
    t.join(timeout=60)
    if "error" in box:
        raise box["error"]
    assert box["client"] is not caches["default"]  # really another client
    return box["value"]


def fail_lookups(n: int, ip: str = "10.1.2.3") -> None:
    for i in range(n):
        throttle.lookup_failed(ip=ip, number=f"XF-GUESS-{i}")


@pytest.fixture
def database_cache(settings):
    """CACHES as base.py makes it without REDIS_URL (the tests' own settings use per-process memory)."""
    from config.settings import base

    settings.CACHES = base.CACHES


def _base_caches(**env: str) -> Any:
    """CACHES as config/settings/base.py computes it in a fresh interpreter with this environment."""
    environ = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | env
    code = "import json; from config.settings import base; print(json.dumps(base.CACHES))"
    out = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_cache_is_the_database_unless_redis_url_is_set():
    assert _base_caches()["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert _base_caches(REDIS_URL="redis://127.0.0.1:6390/1")["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6390/1",
    }


def test_failures_counted_by_two_processes_add_up_in_the_database_cache(database_cache):
    in_other_process(lambda: fail_lookups(throttle.IP_LIMIT - 4))
    fail_lookups(3)
    assert not throttle.lookup_blocked(ip="10.1.2.3", number="XF-ANY")
    assert not in_other_process(lambda: throttle.lookup_blocked(ip="10.1.2.3", number="XF-ANY"))
    in_other_process(lambda: fail_lookups(1))
    assert throttle.lookup_blocked(ip="10.1.2.3", number="XF-ANY")  # seen here, counted there
    assert in_other_process(lambda: throttle.lookup_blocked(ip="10.1.2.3", number="XF-ANY"))
    assert not throttle.lookup_blocked(ip="10.9.9.9", number="XF-ANY")  # another IP is not affected


def test_a_case_number_guessed_through_two_processes_is_refused_on_the_page(client, registered_case, database_cache):
    number = registered_case.petition.number
    half = throttle.NUMBER_LIMIT // 2

    def guess_elsewhere():
        for i in range(half):
            throttle.lookup_failed(ip=f"10.0.0.{i}", number=number)

    in_other_process(guess_elsewhere)
    for i in range(throttle.NUMBER_LIMIT - half):
        throttle.lookup_failed(ip=f"10.0.1.{i}", number=number)
    r = client.post(reverse("portal:lookup"), {"number": number, "code": registered_case.query_code})
    assert r.status_code != 302  # even the right code is refused for this window
    assert "分钟" in r.content.decode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    """A throwaway redis-server: loopback only, no persistence, its files in a temp dir."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    port = _free_port()
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert proc.poll() is None, "redis-server exited at start"
                assert time.monotonic() < deadline, "redis-server did not answer"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def redis_cache(settings, redis_url) -> Iterator[str]:
    """CACHES as base.py makes it from REDIS_URL; the database cache again before the server stops."""
    database_cache = settings.CACHES
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    yield redis_url
    settings.CACHES = database_cache


def test_failures_counted_by_two_processes_add_up_in_redis(redis_cache):
    import redis

    redis_url = redis_cache
    in_other_process(lambda: fail_lookups(throttle.IP_LIMIT - 1))
    assert not throttle.lookup_blocked(ip="10.1.2.3", number="XF-ANY")
    fail_lookups(1)
    assert in_other_process(lambda: throttle.lookup_blocked(ip="10.1.2.3", number="XF-ANY"))
    # The counters are in the server (not in either client), with the window as their lifetime.
    keys = redis.Redis.from_url(redis_url).keys("*portal:lookup:ip:10.1.2.3")
    assert len(keys) == 1
    ttl = redis.Redis.from_url(redis_url).ttl(keys[0])
    assert 0 < ttl <= throttle.WINDOW_SECONDS
