"""Case numbers reserved in blocks for the bulk path (import, generator): one locked update per batch
instead of one per case, the same counters `services` moves one at a time."""

from __future__ import annotations

from django.db import connection

from .models import NumberSequence


def reserve_blocks(wanted: dict[tuple[str, int], int]) -> dict[tuple[str, int], int]:
    """Reserve blocks of several counters at once: create the missing rows, lock all of them with one
    SELECT … FOR UPDATE, move each forward (one executemany). Returns the first number of each block."""
    NumberSequence.objects.bulk_create(
        [NumberSequence(scope=s, year=y, last=0) for s, y in wanted], ignore_conflicts=True
    )
    scopes, years = {k[0] for k in wanted}, {k[1] for k in wanted}
    locked = NumberSequence.objects.select_for_update().filter(scope__in=scopes, year__in=years).order_by("id")
    rows = {(r.scope, r.year): r for r in locked}
    first = {key: rows[key].last + 1 for key in wanted}
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET last = %s WHERE id = %s",  # noqa: S608
            [(rows[key].last + n, rows[key].pk) for key, n in wanted.items()],
        )
    return first
