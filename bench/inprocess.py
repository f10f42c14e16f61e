"""Setup and the in-process measurements: management commands, the CSV to import, the users and sample
cases the measurements use (`Setup`), and the query counts and timings taken with Django's test client."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

import stats_cases  # the 统计分析 cases (bench/stats_cases.py)


def run_command(*args: str) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(*args, stdout=out, stderr=sys.stderr, skip_checks=True)
    return out.getvalue()


# The generator's title and content templates, filled with one neutral set of places and names.
PLACEHOLDERS: dict[str, Any] = {
    "county": "本县",
    "town": "城关镇",
    "village": "王庄",
    "street": "人民路",
    "road": "建设路",
    "company": "宏达公司",
    "estate": "阳光花园",
    "amount": "8000",
    "months": 3,
    "n": 5,
    "date": "2023年3月1日",
    "year": 2022,
    "name": "王某",
}


def make_import_csv(path: Path, rows: int, office_area: str, areas: list[str]) -> None:
    import csv
    import random

    from xinfang.demo import fake
    from xinfang.demo.volume import texts
    from xinfang.petitions import importer

    rng = random.Random(42)
    channels = ["来信", "来访", "网上信访", "来电"]
    statuses = ["", "", "已办结", "办理中", "不予受理"]
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(importer.HEADERS)
        for i in range(rows):
            code = rng.choice(list(texts.CATEGORY_ROUTES))
            title, content = rng.choice(texts.TEMPLATES[code])
            status = rng.choice(statuses)
            day = f"2023-{rng.randrange(1, 12):02d}-{rng.randrange(1, 28):02d}"
            person = fake.make_person(rng, area_code=office_area, address="")
            w.writerow(
                [
                    f"BENCH-{i:07d}",
                    rng.choice(channels),
                    day,
                    person.name,
                    person.id_number,
                    person.phone,
                    "",
                    "1",
                    rng.choice(areas),
                    code,
                    "求决",
                    title.format(**PLACEHOLDERS),
                    content.format(**PLACEHOLDERS),
                    status,
                    "",
                    "2023-12-20" if status in ("已办结", "不予受理") else "",
                    "支持" if status == "已办结" else "",
                    "",
                ]
            )


class Setup:
    """Users and sample cases for the measurements, chosen from the generated data."""

    def __init__(self) -> None:
        from django.db.models import Count

        from xinfang.accounts.models import Area, Membership, Role, Unit, User
        from xinfang.accounts.services import user_create
        from xinfang.petitions import selectors
        from xinfang.petitions.models import Petition

        existing = {u.username: u for u in User.objects.filter(username__in=["bench_dispatcher", "bench_supervisor"])}
        # The busiest office; on a reused database the office the bench users were made for (more cases
        # generated since may have made another office the busiest).
        post = Membership.objects.filter(user=existing.get("bench_dispatcher")).first()
        if post is not None:
            office_id = post.unit_id
        else:
            top = Petition.objects.values("office_unit").annotate(n=Count("id")).order_by("-n").first()
            office_id = top["office_unit"]
        self.office = Unit.objects.select_related("area", "parent").get(pk=office_id)
        self.county = self.office.area
        self.city = Area.objects.get(pk=self.county.parent_id) if self.county.parent_id else self.county
        city_office = Unit.objects.filter(kind=Unit.Kind.XINFANG, area=self.city).order_by("id").first()
        self.dispatcher = existing.get("bench_dispatcher") or user_create(
            username="bench_dispatcher",
            password="bench-pass-123",
            full_name="压测分办员",
            unit=self.office,
            roles=[Role.CLERK, Role.DISPATCHER],
        )
        self.supervisor = existing.get("bench_supervisor") or user_create(
            username="bench_supervisor",
            password="bench-pass-123",
            full_name="压测督查员",
            unit=city_office or self.office,
            roles=[Role.SUPERVISOR],
        )
        # The longest closed case the dispatcher may open (not, say, an accusation against the office).
        visible = selectors.petition_list(user=self.dispatcher).filter(office_unit=self.office)
        self.detail = (
            visible.filter(status="closed").annotate(n=Count("events")).order_by("-n").first() or visible.first()
        )
        self.list_status = "accepted"


def inprocess_measurements(s: Setup, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xinfang.petitions import selectors
    from xinfang.petitions.models import DeadlineState

    out: dict[str, Any] = {}
    c = Client()
    c.force_login(s.dispatcher)
    list_url = f"/staff/petitions/?status={s.list_status}&area={s.county.code}"
    c.get(list_url)
    with CaptureQueriesContext(connection) as q:
        r = c.get(list_url)
    assert r.status_code == 200, r.status_code
    out["list_queries"] = len(q)
    with CaptureQueriesContext(connection) as q:
        r = c.get("/staff/?inbox=to_dispatch")
    out["workbench_queries"] = len(q)
    with CaptureQueriesContext(connection) as q:
        r = c.get(f"/staff/petitions/{s.detail.pk}/")
    assert r.status_code == 200, r.status_code
    out["detail_queries"] = len(q)
    out["detail_events"] = s.detail.events.count()
    timings = []
    count = 0
    for _ in range(repeat):
        t = time.perf_counter()
        count = selectors.petition_list(
            user=s.supervisor, deadline_state=DeadlineState.OVERDUE, area=s.city.code
        ).count()
        timings.append((time.perf_counter() - t) * 1000)
    out["overdue_city_count_ms_median"] = round(statistics.median(timings), 2)
    out["overdue_city_count"] = count
    out.update(stats_cases.inprocess(s, repeat))
    return out
