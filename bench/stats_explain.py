#!/usr/bin/env python
"""EXPLAIN ANALYZE every query of the 统计分析 page, the stats API and the ranking on a benchmark database
(after `bench/run.py --large`, which leaves the bench users), to choose indexes or summary tables.

    DATABASE_URL=postgres://… python bench/stats_explain.py [--case city|county|api|ranking] [--plans]

Runs each case once through Django's test client (as bench/stats_cases.py does), captures its queries,
then runs each captured query again under EXPLAIN (ANALYZE, BUFFERS) and prints its time, slowest first;
--plans prints the plans too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", action="append", choices=["city", "county", "api", "ranking"])
    ap.add_argument("--plans", action="store_true")
    ap.add_argument("--dump", metavar="DIR", help="write each SELECT's SQL to DIR/CASE-N.sql")
    args = ap.parse_args()
    import run as bench

    bench.configure(bench.Database(argparse.Namespace(large=False)))
    import django

    django.setup()
    import stats_cases
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xinfang.statistics import figures, periods
    from xinfang.statistics.config import stats_config
    from xinfang.statistics.services import scope_for_user

    s = bench.Setup()
    cases = args.case or ["city", "county", "api", "ranking"]
    for case in cases:
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            if case == "ranking":
                scope = scope_for_user(s.supervisor, area=s.city)
                period = periods.year(int(stats_cases.last_month()[:4]))
                cfg = stats_config()
                figures.ranking(figures.by_unit(scope, period), "on_time_reply_rate", min_sample=cfg.ranking_min_sample)
            else:
                user, path = stats_cases.paths(s)[case]
                c = Client()
                c.force_login(user)
                c.get(path)
                t = time.perf_counter()
                with CaptureQueriesContext(connection) as q:
                    r = c.get(path)
                assert r.status_code == 200, r.status_code
            total = (time.perf_counter() - t) * 1000
        rows = []
        for item in q.captured_queries:
            sql = item["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cur:
                if connection.vendor == "postgresql":
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = "\n".join(r[0] for r in cur.fetchall())
                    ms = float(plan.rsplit("Execution Time:", 1)[1].split("ms")[0])
                else:
                    t0 = time.perf_counter()
                    cur.execute(sql)
                    cur.fetchall()
                    ms = (time.perf_counter() - t0) * 1000
                    plan = ""
            rows.append((ms, sql, plan))
        if args.dump:
            Path(args.dump).mkdir(parents=True, exist_ok=True)
            for n, (_ms, sql, _plan) in enumerate(rows):
                Path(args.dump, f"{case}-{n:02d}.sql").write_text(sql + ";\n", encoding="utf-8")
        rows.sort(key=lambda r: -r[0])
        print(f"== {case}: {len(q.captured_queries)} queries, {total:.0f} ms in all (first run)")
        for ms, sql, plan in rows:
            print(f"{ms:9.1f} ms  {sql[:160]}")
            if args.plans and ms > 5:
                print(plan)
                print()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    main()
