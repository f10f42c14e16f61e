"""Test infrastructure shared by the whole suite (pytest plugins, helpers).

Plugins (loaded from ``[tool.pytest.ini_options] addopts`` in pyproject.toml with ``-p``):

* ``xinfang.core.testing.database`` -- a per-run, per-xdist-worker SQLite *file* test database
  (so WAL/IMMEDIATE behave as in production and ``live_server`` uses real separate connections),
  and automatic skipping of ``@pytest.mark.postgres_only`` tests when not on PostgreSQL.
* ``xinfang.core.testing.browser`` -- ``browser`` and ``page`` fixtures driving Debian's
  ``/usr/bin/chromium`` through Playwright (never downloads a browser).
"""
