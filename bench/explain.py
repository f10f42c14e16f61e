#!/usr/bin/env python
"""EXPLAIN the hot queries on a benchmark database (after `bench/run.py --keep`), to choose indexes.

    DATABASE_URL=postgres://… python bench/explain.py        # or SQLite: the var/bench database

Prints the plan (PostgreSQL: ANALYZE, BUFFERS) and the time of each query as the staff pages run it:
a county dispatcher's list filtered by state, the workbench inbox and its counts, a city's overdue
count, the case page's timeline and deadlines, the same-person lookup, the portal lookup.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("XINFANG_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("XINFANG_FIELD_KEY", "YmVuY2gta2V5LWZvci14aW5mYW5nLWJlbmNobWFya3M=")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Q

    from xinfang.accounts.models import User
    from xinfang.petitions import selectors
    from xinfang.petitions.deadlines.models import Deadline
    from xinfang.petitions.models import Event, Petition

    dispatcher = User.objects.get(username="bench_dispatcher")
    supervisor = User.objects.get(username="bench_supervisor")
    office = dispatcher.memberships.select_related("unit__area").first().unit
    county = office.area
    city_code = county.code[:4]
    sample = Petition.objects.filter(office_unit=office, status="closed").order_by("-id").first()
    pg = connection.vendor == "postgresql"

    def show(name: str, qs) -> None:
        t = time.perf_counter()
        list(qs) if not isinstance(qs, int) else None
        took = (time.perf_counter() - t) * 1000
        print(f"\n=== {name}  ({took:.1f} ms)")
        print(qs.explain(analyze=True, buffers=True) if pg else qs.explain())

    listing = selectors.petition_list(user=dispatcher, status="accepted", area=county.code)
    show("list: county dispatcher, status=accepted, area subtree (page 1)", listing[:25])
    show("list: the paginator's count", listing.values("id")[:1_000_000])
    inbox = selectors.petition_list(user=dispatcher, inbox="to_dispatch")
    show("workbench: 待分办 inbox page", inbox[:25])
    print("\n=== workbench: inbox counts (one aggregate)")
    t = time.perf_counter()
    print(selectors.inbox_counts(dispatcher), f"({(time.perf_counter() - t) * 1000:.1f} ms)")
    overdue = selectors.petition_list(user=supervisor, deadline_state="overdue", area=city_code)
    show("overdue cases of a city (supervisor's scope)", overdue.values("id")[:1_000_000])
    show(
        "case page: timeline",
        Event.objects.filter(petition=sample).select_related("actor", "unit").order_by("at", "id"),
    )
    show("case page: deadlines", Deadline.objects.filter(petition=sample).select_related("rule"))
    show(
        "same person by ID hash",
        selectors.petitions_same_person_by_hash(
            user=dispatcher,
            id_hash=sample.id_number_hash or "x",
            phone_hash=sample.phone_hash or "x",
            exclude_id=sample.pk,
        ),
    )
    show(
        "portal lookup (number + query code hash)",
        Petition.objects.filter(Q(number=sample.number) & Q(query_code_hash=sample.query_code_hash)),
    )
    show(
        "sweep scan: open organ deadlines", Deadline.objects.filter(status="open", party="organ").values("id")[:100000]
    )


if __name__ == "__main__":
    main()
