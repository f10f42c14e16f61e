"""Reference data kept in each worker's memory, reloaded when its `DataVersion` token changes.

    areas = versioned.cached("reference", "areas", load_areas)   # one token query; the loader on a change

Writers never call this module: `track(Model, "reference")` (in an AppConfig.ready) renews the token on
every save and delete of the model, and `VersionedQuerySet` on its bulk writes (update, bulk_create,
bulk_update), all inside the writing transaction, so a rollback restores the old token with the data.
Without a token row (a flushed database) nothing is trusted: the loader runs on every call.

Values handed out are shared by every request of the worker: read them, never change them.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from django.db import connection, models, transaction

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

_cache: dict[tuple[str, str], tuple[str, Any]] = {}
_lock = threading.Lock()


# Within one request each token is read once (RequestContextMiddleware opens the memo): a page that
# looks up areas, categories and a case's area reads "reference" once, as of its first lookup. Outside
# requests (commands, background threads) there is no memo. After a bump in the request the name is
# read from the database every time (so a rolled-back change is never taken for the current data).
_request_tokens: ContextVar[dict[str, str | None] | None] = ContextVar("xinfang_versioned_tokens", default=None)
_UNCACHED = None


@contextmanager
def request_scope() -> Iterator[None]:
    reset = _request_tokens.set({})
    try:
        yield
    finally:
        _request_tokens.reset(reset)


_ALL_READ = "\0all"  # memo key: every token has been read into the memo


def token(name: str) -> str:
    memo = _request_tokens.get()
    if memo is None:
        return _read_tokens(name)[name]
    if name not in memo and _ALL_READ not in memo:
        # The first token a request needs: read them all (a handful of rows) in that one query. A token
        # this request renewed already stays marked for reading again (its new value is uncommitted).
        for key, read in _read_tokens().items():
            memo.setdefault(key, read)
        memo[_ALL_READ] = ""
    value = memo.get(name, "")
    if value is None:  # bumped in this request
        return _read_tokens(name)[name]
    return value


def _read_tokens(name: str | None = None) -> dict[str, str]:
    """{name: token} of every token, or of `name` alone ("" when it has no row)."""
    from .models import DataVersion

    # Plain SQL: this runs on most requests, and the ORM's compiling costs more than the query itself.
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        if name is None:
            cursor.execute(f"SELECT name, token FROM {table}")  # noqa: S608
        else:
            cursor.execute(f"SELECT name, token FROM {table} WHERE name = %s", [name])  # noqa: S608
        found = dict(cursor.fetchall())
    if name is not None:
        found.setdefault(name, "")
    return found


def bump(name: str) -> None:
    from .models import DataVersion

    DataVersion.objects.update_or_create(name=name, defaults={"token": uuid.uuid4().hex})
    memo = _request_tokens.get()
    if memo is not None:
        memo[name] = _UNCACHED  # read from the database from now on in this request


def cached(
    name: str | tuple[str, ...], key: str, loader: Callable[[], T], *, keep: Callable[[T], bool] | None = None
) -> T:
    """`loader()`'s value, from memory while the token of `name` (of each name of a tuple) is the one it was
    loaded under. `keep`: only values it accepts are kept (a lookup by a key from outside, say, keeps what
    it found and not every miss: the misses of made-up keys would fill the memory)."""
    names = (name,) if isinstance(name, str) else name
    tokens = [token(n) for n in names]
    current = "|".join(tokens) if all(tokens) else ""
    slot = ("|".join(names), key)
    hit = _cache.get(slot)
    if current and hit is not None and hit[0] == current:
        return cast(T, hit[1])
    value = loader()
    if current and (keep is None or keep(value)):
        with _lock:
            _cache[slot] = (current, value)
    return value


def own_copy(obj: M, *related: str) -> M:
    """A caller's own copy of a cached model instance, with its own copies of the `related` objects
    cached on it (select_related): what one request changes on it no other request sees."""
    mine = copy.copy(obj)
    for name in related:
        mine._state.fields_cache[name] = copy.copy(getattr(obj, name))
    return mine


def track(model: type[models.Model], name: str, *, ignore: frozenset[str] = frozenset()) -> None:
    """Renew `name`'s token whenever a `model` row is saved or deleted (signals). `ignore`: fields no cache
    reads; a save of those alone (`update_fields`) renews nothing (a login's `last_login`)."""
    from django.db.models.signals import post_delete, post_save

    def changed(update_fields: Any = None, **_kwargs: Any) -> None:
        if update_fields and ignore and set(update_fields) <= ignore:
            return
        bump(name)

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"versioned-save-{model.__name__}")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"versioned-delete-{model.__name__}")


class VersionedQuerySet(models.QuerySet[Any]):
    """Bulk writes, which send no signals, renew the token of the model's `versioned_name` too."""

    def _changed(self) -> None:
        name = getattr(self.model, "versioned_name", None)
        if name is None:  # a migration's historical model (no class attributes): the model it stands for
            from django.apps import apps

            name = apps.get_model(self.model._meta.label).versioned_name
        bump(name)

    # The write and the renewal commit together (outside a transaction too: a shell, a command).

    def update(self, **kwargs: Any) -> int:
        with transaction.atomic(using=self.db):
            count = super().update(**kwargs)
            self._changed()
        return count

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[Any]:
        with transaction.atomic(using=self.db):
            objs = super().bulk_create(*args, **kwargs)
            self._changed()
        return objs

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        with transaction.atomic(using=self.db):
            count = super().bulk_update(*args, **kwargs)
            self._changed()
        return count
