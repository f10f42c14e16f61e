"""Django's PostgreSQL backend, with a health check that asks the server only when it has said something.

With persistent connections (CONN_MAX_AGE) and CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the
first query of every request: a round trip on every page and every API call, to catch connections the
server has closed (a restart, `idle_session_timeout`, pgbouncer, an administrator's
`pg_terminate_backend`). A server that closes a connection says so first: a FATAL message, then
end-of-file. Between requests a healthy connection has nothing to read -- psycopg consumed every
answer up to ReadyForQuery -- so if the socket has nothing to read, the connection is as good as the
`SELECT 1` would find it; if it has (a closing message, or a stray NOTICE), Django's own check runs and
decides. A network that drops the connection without a word is caught by neither check before use.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        conn = self.connection
        if conn is None or conn.closed:
            return False
        try:
            readable, _w, _x = select.select([conn.fileno()], [], [], 0)
        except (OSError, ValueError):  # no socket any more
            return False
        if not readable:
            return True
        return super().is_usable()
