"""The 统计分析 cases of the benchmark (bench/inprocess.py and bench/http_bench.py call these).

- In-process: the query count of the 统计分析 page for a city (as its 督查员 sees it) and for a county
  (as its 信访局 sees it), and of `GET /api/v1/stats/`; the unit ranking of the city for a year
  (figures.by_unit + figures.ranking, the service the page and the API call) timed, p50/p95.
- HTTP (gunicorn): the city page, the county page, the stats API of the city and the city's whole
  ranking page for the year (/stats/ranking/), p50/p95.

The period is last month (the page's usual view once a month is over: the 通报 month); no snapshot is
taken, so every figure is counted live from the cases, the slow path.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

TARGETS = {  # at 1M petitions on PostgreSQL (issue 17)
    "stats_city_p95_ms": ("<=", 300),
    "stats_county_p95_ms": ("<=", 300),
    "stats_api_p95_ms": ("<=", 300),
    "stats_ranking_p95_ms": ("<=", 300),
    "stats_ranking_page_p95_ms": ("<=", 300),
    "stats_city_queries": ("<=", 40),
    "stats_county_queries": ("<=", 40),
    "stats_api_queries": ("<=", 25),
}
HTTP_KEYS = [
    "stats_city_p50_ms",
    "stats_city_p95_ms",
    "stats_county_p50_ms",
    "stats_county_p95_ms",
    "stats_api_p50_ms",
    "stats_api_p95_ms",
    "stats_ranking_page_p50_ms",
    "stats_ranking_page_p95_ms",
]
INPROCESS_KEYS = [
    "stats_city_queries",
    "stats_county_queries",
    "stats_api_queries",
    "stats_ranking_page_queries",
    "stats_ranking_p50_ms",
    "stats_ranking_p95_ms",
    "stats_ranking_queries",
    "stats_city_received",
]


def _percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    f = int(k)
    return s[f] if f + 1 >= len(s) else s[f] + (s[f + 1] - s[f]) * (k - f)


def last_month() -> str:
    from xinfang.core.timeutil import local_date

    day = local_date().replace(day=1) - dt.timedelta(days=1)
    return f"{day.year:04d}-{day.month:02d}"


def paths(s: Any) -> dict[str, tuple[Any, str]]:
    """case → (user, path)."""
    value = last_month()
    return {
        "city": (s.supervisor, f"/stats/?period=month&value={value}&area={s.city.code}"),
        "county": (s.dispatcher, f"/stats/?period=month&value={value}&area={s.county.code}"),
        "api": (s.supervisor, f"/api/v1/stats/?period=month&value={value}&area={s.city.code}"),
        # the whole ranking of the city's units for the year (the page's 红黑榜 links to it)
        "ranking_page": (s.supervisor, f"/stats/ranking/?period=year&value={value[:4]}&area={s.city.code}"),
    }


def inprocess(s: Any, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xinfang.statistics import figures, periods
    from xinfang.statistics.config import stats_config
    from xinfang.statistics.services import scope_for_user

    out: dict[str, Any] = {}
    for case, (user, path) in paths(s).items():
        c = Client()
        c.force_login(user)
        c.get(path)  # warm the caches (reference data, templates)
        with CaptureQueriesContext(connection) as q:
            r = c.get(path)
        assert r.status_code == 200, (path, r.status_code)
        out[f"stats_{case}_queries"] = len(q)
        if case == "api":
            out["stats_city_received"] = r.json()["received"]
    scope = scope_for_user(s.supervisor, area=s.city)
    period = periods.year(int(last_month()[:4]))
    cfg = stats_config()
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            figures.ranking(figures.by_unit(scope, period), "on_time_reply_rate", min_sample=cfg.ranking_min_sample)
            timings.append((time.perf_counter() - t) * 1000)
    out["stats_ranking_p50_ms"] = round(statistics.median(timings), 2)
    out["stats_ranking_p95_ms"] = round(_percentile(timings, 95), 2)
    out["stats_ranking_queries"] = len(q)
    return out


def http(server: Any, s: Any, n: int) -> dict[str, Any]:
    from django.test import Client

    out: dict[str, Any] = {}
    for case, (user, path) in paths(s).items():
        c = Client()
        c.force_login(user)
        headers = {"Cookie": f"sessionid={c.cookies['sessionid'].value}"}
        samples = []
        for i in range(n + 3):
            t = time.perf_counter()
            status = server.request("GET", path, headers=headers)[0]
            if i >= 3:  # the first requests warm both workers
                samples.append((time.perf_counter() - t) * 1000)
            if status != 200:
                raise RuntimeError(f"{path} answered HTTP {status}")
        out[f"stats_{case}_p50_ms"] = round(statistics.median(samples), 2)
        out[f"stats_{case}_p95_ms"] = round(_percentile(samples, 95), 2)
    return out
