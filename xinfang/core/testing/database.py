"""pytest plugin: test-database layout for SQLite and PostgreSQL runs.

SQLite: Django's default test database for SQLite is in memory, where ``PRAGMA journal_mode``
reports ``memory`` and the ``live_server`` thread has to share the test thread's connection.
We give every run (and every xdist worker, via pytest-django's ``_gw0`` suffix) its own database
*file* in the temp directory instead, so the WAL / IMMEDIATE settings from ``config.settings.base``
are exercised exactly as in production and concurrent pytest runs in one checkout never collide.
With ``--reuse-db`` a stable name under ``var/`` is used so the database can actually be reused.

PostgreSQL: ``@pytest.mark.postgres_only`` tests are skipped unless the default database is
PostgreSQL (``DATABASE_URL=postgres://...``; see ``scripts/pg-throwaway.sh`` / ``make test-pg``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from pathlib import Path

import pytest

_created_prefix: str | None = None


def _default_db() -> dict | None:
    try:
        from django.conf import settings

        return settings.DATABASES.get("default")
    except Exception:  # Django not configured (e.g. `pytest --help` outside the project)
        return None


def is_postgres() -> bool:
    """True when the default database of this test run is PostgreSQL."""
    db = _default_db()
    return bool(db) and "postgresql" in db.get("ENGINE", "")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    global _created_prefix
    db = _default_db()
    if not db or db.get("ENGINE") != "django.db.backends.sqlite3":
        return
    test = db.setdefault("TEST", {})
    if test.get("NAME"):  # settings chose a test database explicitly: respect it
        return
    if config.getoption("reuse_db", default=False):
        from django.conf import settings

        var_dir = Path(getattr(settings, "VAR_DIR", Path.cwd() / "var"))
        var_dir.mkdir(parents=True, exist_ok=True)
        test["NAME"] = str(var_dir / "test_xinfang.sqlite3")
        return
    # One name per pytest run, shared by its xdist workers (pytest-django appends _gw0, _gw1 ...).
    workerinput = getattr(config, "workerinput", {})
    run_id = workerinput.get("testrunuid") or uuid.uuid4().hex
    prefix = os.path.join(tempfile.gettempdir(), f"xinfang_test_{run_id[:12]}")
    test["NAME"] = prefix
    # This process only ever creates its own file: <prefix>_gwN under xdist, <prefix> without it.
    _created_prefix = f"{prefix}_{workerinput['workerid']}" if "workerid" in workerinput else prefix


def pytest_unconfigure(config: pytest.Config) -> None:
    # Django removes the database file itself; sweep up -wal/-shm leftovers of a crashed run.
    if _created_prefix:
        for path in (_created_prefix + suffix for suffix in ("", "-wal", "-shm", "-journal")):
            with contextlib.suppress(OSError):
                os.remove(path)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if is_postgres():
        return
    skip = pytest.mark.skip(reason="postgres_only: needs DATABASE_URL=postgres://... (try `make test-pg`)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)
