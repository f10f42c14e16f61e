"""pytest plugin: test-database layout for SQLite and PostgreSQL runs.

SQLite: Django's default test database for SQLite is in memory, where ``PRAGMA journal_mode``
reports ``memory`` and the ``live_server`` thread has to share the test thread's connection.
We give every run (and every xdist worker, via pytest-django's ``_gw0`` suffix) its own database
*file* in the temp directory instead, so the WAL / IMMEDIATE settings from ``config.settings.base``
are exercised exactly as in production and concurrent pytest runs in one checkout never collide.
With ``--reuse-db`` a stable name under ``var/`` is used so the database can actually be reused.

Transactional tests (``django_db(transaction=True)``, ``transactional_db``, ``live_server``) end
with a flush of every table, which also wipes what data migrations seeded (deadline rules,
petition categories ...). pytest-django runs such tests last, but under ``xdist --dist loadfile``
a worker may run a file with a transactional test and then more files; so after every
transactional test we put the database back to its state right after migrations (a snapshot taken
when ``django_db_setup`` finishes).

PostgreSQL: ``@pytest.mark.postgres_only`` tests are skipped unless the default database is
PostgreSQL (``DATABASE_URL=postgres://...``; see ``scripts/pg-throwaway.sh`` / ``make test-pg``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from dj_database_url import DBConfig
    from pytest_django.plugin import DjangoDbBlocker

_created_prefix: str | None = None
_snapshots: dict[str, str] = {}  # alias -> serialized post-migration contents
_configured_names: dict[str, str] = {}  # alias -> NAME before the test databases replaced it
_TRANSACTIONAL_FIXTURES = {"transactional_db", "django_db_reset_sequences", "live_server"}


def _default_db() -> DBConfig | None:
    try:
        from django.conf import settings

        return settings.DATABASES.get("default")
    except Exception:  # Django not configured (e.g. `pytest --help` outside the project)
        return None


def is_postgres() -> bool:
    """True when the default database of this test run is PostgreSQL."""
    db = _default_db()
    return db is not None and "postgresql" in db.get("ENGINE", "")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    global _created_prefix
    with contextlib.suppress(Exception):  # Django not configured
        from django.conf import settings

        _configured_names.update({alias: str(db.get("NAME")) for alias, db in settings.DATABASES.items()})
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
    _deselect_slow(config, items)
    if is_postgres():
        return
    skip = pytest.mark.skip(reason="postgres_only: needs DATABASE_URL=postgres://... (try `make test-pg`)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


def _db_blocker(config: pytest.Config) -> DjangoDbBlocker:
    from pytest_django.plugin import blocking_manager_key

    return config.stash[blocking_manager_key]


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, object, object]:
    result = yield
    if fixturedef.argname == "django_db_setup":
        from django.db import connections

        _snapshots.clear()
        with _db_blocker(request.config).unblock():
            for alias in connections:
                conn = connections[alias]
                # Only databases that were replaced by test databases -- never flush a real one.
                if alias in _configured_names and str(conn.settings_dict["NAME"]) != _configured_names[alias]:
                    _snapshots[alias] = conn.creation.serialize_db_to_string()
        # Runs just before the test databases are dropped (finalizers run last-in, first-out).
        fixturedef.addfinalizer(lambda: _end_stray_sessions(request.config))
    return result


def _end_stray_sessions(config: pytest.Config) -> None:
    """PostgreSQL refuses to drop a database that still has sessions -- e.g. from threads a test
    started and never closed -- so end those before pytest-django drops the test databases."""
    from django.db import connections

    with _db_blocker(config).unblock():
        for alias in _snapshots:
            conn = connections[alias]
            if conn.vendor != "postgresql":
                continue
            with contextlib.suppress(Exception), conn.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        from pytest_django.fixtures import validate_django_db

        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    return bool(_TRANSACTIONAL_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def post_migration_snapshot(alias: str = "default") -> str | None:
    """The serialized contents of test database `alias` right after migrations (None: not taken)."""
    return _snapshots.get(alias)


def restore_post_migration_state() -> None:
    """Empty every table and reload the post-migration snapshot (DB access must be unblocked)."""
    from django.core.management import call_command
    from django.db import connections

    for alias, data in _snapshots.items():
        call_command(
            "flush", database=alias, interactive=False, inhibit_post_migrate=True, reset_sequences=False, verbosity=0
        )
        connections[alias].creation.deserialize_db_from_string(data)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    result = yield  # the test's fixtures are finalized now: pytest-django has flushed the tables
    # nextitem None: the session (and its test database) is being torn down; nothing to restore.
    if nextitem is not None and _snapshots and _is_transactional(item):
        with _db_blocker(item.config).unblock():
            restore_post_migration_state()
    return result


SLOW_MARKERS = ("slow", "browser")


def _deselect_slow(config: pytest.Config, items: list[pytest.Item]) -> None:
    """XINFANG_SKIP_SLOW=1 leaves out the slow cluster tests (real worker processes, the whole demo load)
    and the browser tests: CI runs them on PostgreSQL only, so that both suites fit its time budget. A plain
    `make test` runs everything."""
    if os.environ.get("XINFANG_SKIP_SLOW", "") not in ("1", "true", "yes"):
        return
    slow = [item for item in items if any(item.get_closest_marker(m) for m in SLOW_MARKERS)]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item not in set(slow)]
