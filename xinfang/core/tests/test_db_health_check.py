"""The PostgreSQL health check: no round trip for a quiet connection, a real check once the server spoke."""

from __future__ import annotations

import time

import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture
def other():
    """A second connection to the same database, as a request in another worker holds it."""
    conn = connections.create_connection("default")
    conn.ensure_connection()
    yield conn
    conn.close()


def _asked(conn, monkeypatch) -> list[str]:
    asked: list[str] = []
    real = conn.connection.cursor

    def cursor(*args, **kwargs):
        asked.append("SELECT 1")
        return real(*args, **kwargs)

    monkeypatch.setattr(conn.connection, "cursor", cursor)
    return asked


def test_settings_use_the_project_backend():
    assert type(connections["default"]).__module__ == "xinfang.core.db.postgresql.base"


def test_a_quiet_connection_is_usable_without_asking_the_server(other, monkeypatch):
    with other.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)
    asked = _asked(other, monkeypatch)
    assert other.is_usable()
    assert asked == []


def test_a_connection_the_server_closed_is_found_unusable_and_replaced(other):
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    for _ in range(50):  # the server's message arrives a moment later
        if not other.is_usable():
            break
        time.sleep(0.02)
    assert not other.is_usable()
    # what Django does at the start of a request with health checks on: close, then connect afresh
    other.health_check_enabled, other.health_check_done = True, False
    other.close_if_health_check_failed()
    with other.cursor() as cursor:
        cursor.execute("SELECT 3")
        assert cursor.fetchone() == (3,)


def test_a_message_waiting_on_the_connection_gets_the_real_check(other, monkeypatch):
    with other.cursor() as cursor:
        cursor.execute("LISTEN xinfang_health_test")
    sender = connections.create_connection("default")  # autocommit: the notice leaves at once
    try:
        with sender.cursor() as cursor:
            cursor.execute("SELECT pg_notify('xinfang_health_test', 'x')")
    finally:
        sender.close()
    asked = _asked(other, monkeypatch)
    for _ in range(50):
        other.is_usable()
        if asked:
            break
        time.sleep(0.02)
    assert asked  # something to read: Django's SELECT 1 decided
    assert other.is_usable()
