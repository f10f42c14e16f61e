"""Parallel writer processes (PostgreSQL): batches of drawn plans go to forked writers pickled, with units,
areas and categories as references to the objects each writer inherited."""

from __future__ import annotations

import copyreg
import dataclasses
import io
import operator
import pickle
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from xinfang.accounts.models import Area, Unit
from xinfang.petitions.bulk import BatchContext, PetitionPlan, Step, bulk_write
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.repeats import mark_repeated

# ---------------------------------------------------------------- parallel writers
#
# Plans go to the writer processes pickled, with their units, areas and categories as references to the
# writer's own copies (inherited at fork), not as pickled model instances with their parents.

_SHARED: dict[tuple[str, int], Any] = {}
_WRITER_CONTEXT: BatchContext | None = None


def share(objects: dict[tuple[str, int], Any]) -> None:
    """Before forking: the objects the writers inherit and plans refer to, by (type name, pk)."""
    global _SHARED  # noqa: PLW0603  (inherited by the forked writers)
    _SHARED = objects


def unshare() -> None:
    global _SHARED  # noqa: PLW0603
    _SHARED = {}


def _shared(kind: str, pk: int) -> Any:
    return _SHARED[(kind, pk)]


def _by_reference(obj: Any) -> Any:
    key = (type(obj).__name__, obj.pk)
    if key in _SHARED:
        return _shared, key
    return obj.__reduce__()  # not one of the inherited objects: pickled whole


# Looked up by type in C for the model instances only (a persistent_id hook would be a Python call for every
# string and date of the batch: more than drawing the cases).
def _as_fields(cls: type, get: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], Any]:
    # A dataclass as its class and field values in order (one C call), not as a dict of name: value.
    return lambda obj: (cls, get(obj))


_DISPATCH: dict[type, Callable[[Any], Any]] = {
    **copyreg.dispatch_table,
    Area: _by_reference,
    Unit: _by_reference,
    Category: _by_reference,
    **{
        cls: _as_fields(cls, operator.attrgetter(*(f.name for f in dataclasses.fields(cls))))
        for cls in (PetitionPlan, Step)
    },
}


def dumps(plans: list[PetitionPlan], ids: list[int]) -> bytes:
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump((plans, ids))
    return buf.getvalue()


def loads(payload: bytes) -> tuple[list[PetitionPlan], list[int]]:
    # Our own payload, from the parent process.
    loaded: tuple[list[PetitionPlan], list[int]] = pickle.loads(payload)  # noqa: S301
    return loaded


def link_repeats(repeats: list[tuple[int, int]]) -> None:
    if not repeats:
        return
    table = connection.ops.quote_name(Petition._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET repeat_of_id = %s WHERE id = %s",  # noqa: S608
            [(origin, pid) for pid, origin in repeats],
        )
        mark_repeated(origin for _pid, origin in repeats)


def write_batch(payload: bytes) -> int:
    global _WRITER_CONTEXT  # noqa: PLW0603  (one per writer process, kept between its batches)
    plans, ids = loads(payload)
    if _WRITER_CONTEXT is None:
        _WRITER_CONTEXT = BatchContext()
    bulk_write(plans, actor="数据生成", source="generate_petitions", context=_WRITER_CONTEXT, ids=ids)
    return len(plans)
