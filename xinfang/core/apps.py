from django.apps import AppConfig

# psycopg parses a statement's placeholders once and caches the result, but only for statements of up
# to 50 parameters (to keep the ORM's bulk INSERTs of varying lengths out of its 128-entry cache). A
# registration's main statement (core.insert.together: the case's 68 columns, its event, its deadline
# and the audit row, ~115 parameters) was parsed again on every registration (0.2 ms for the case's
# INSERT alone). 256 takes it in; statements with more parameters are still parsed each time.
PSYCOPG_CACHED_PARAMS = 256


class CoreConfig(AppConfig):
    name = "xinfang.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        try:
            from psycopg import _queries
        except ImportError:  # SQLite only: no driver installed
            return
        if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", PSYCOPG_CACHED_PARAMS) < PSYCOPG_CACHED_PARAMS:
            _queries.MAX_CACHED_STATEMENT_PARAMS = PSYCOPG_CACHED_PARAMS
