#!/usr/bin/env python
"""xinfang benchmark harness: `make bench` (SQLite, or DATABASE_URL) and `make bench-large` (PostgreSQL, 1M).

    python bench/run.py [--large] [--count N] [--import-rows N] [--keep]

1. A fresh database: SQLite under var/bench/, or DATABASE_URL, or (with --large and no DATABASE_URL) a
   throwaway PostgreSQL cluster from scripts/pg-throwaway.sh, stopped and deleted at the end.
2. migrate; `generate_petitions --count N` (province organisation, every state) → import_per_s;
   `import_petitions` of a generated CSV → import_file_rows_per_s.
3. In-process (Django test client + CaptureQueriesContext): list_queries, detail_queries, the overdue
   count of a city as its 信访局 sees it; the 统计分析 cases of bench/stats_cases.py.
4. Real HTTP against gunicorn (2 sync workers) on 127.0.0.1: intake through the REST API (or the staff
   registration page when xinfang.api is not installed), one client and then 8 concurrent clients;
   a county dispatcher's list filtered by state; the case page; the portal lookup with a 查询码;
   then the peak RSS of the workers.
5. A table on stdout and bench/results/latest.json as {"metrics": {...}, "env": {...}}.

Every HTTP request stays on 127.0.0.1; request loops are bounded in count and time.

This file is the entry point; the parts live beside it: common.py (ROOT, BENCH_KEY, log, percentile),
database.py (1: the database, `configure`), inprocess.py (2–3: `Setup`, the CSV, the in-process
measurements), stats_cases.py (the 统计分析 cases), cpu.py (`CpuMeter`, from /proc), http_bench.py (4:
gunicorn, the client, `Intake`, the HTTP rounds) and report.py (5: the targets, "env", the table).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from typing import Any

# The parts (bench/*.py); the names other scripts use through `import run as bench` (bench/ab.py,
# bench/ab_inprocess.py, also against older checkouts whose run.py held everything) stay importable here.
from common import BENCH_KEY, ROOT, VENV_BIN, log, percentile
from cpu import CpuMeter, _proc_cpu, own_cpu, postgres_cpu
from database import Database, configure, production_settings
from http_bench import Intake, Server, concurrent, csrf_from, http_measurements, http_rounds, session_cookie, timed
from inprocess import PLACEHOLDERS, Setup, inprocess_measurements, make_import_csv, run_command
from report import TARGETS, environment, print_table, write_results

__all__ = [
    "BENCH_KEY",
    "PLACEHOLDERS",
    "ROOT",
    "TARGETS",
    "VENV_BIN",
    "CpuMeter",
    "Database",
    "Intake",
    "Server",
    "Setup",
    "_proc_cpu",
    "concurrent",
    "configure",
    "csrf_from",
    "http_measurements",
    "http_rounds",
    "inprocess_measurements",
    "log",
    "main",
    "make_import_csv",
    "own_cpu",
    "percentile",
    "postgres_cpu",
    "print_table",
    "production_settings",
    "run_command",
    "session_cookie",
    "timed",
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--large", action="store_true", help="PostgreSQL (throwaway cluster unless DATABASE_URL), 1M")
    ap.add_argument("--count", type=int, default=None, help="petitions to generate (30000; --large: 1000000)")
    ap.add_argument("--import-rows", type=int, default=None, help="rows of the CSV import (10000; --large 50000)")
    ap.add_argument("--intake-n", type=int, default=60)
    ap.add_argument("--list-n", type=int, default=100)
    ap.add_argument("--portal-n", type=int, default=40)
    ap.add_argument("--concurrent-seconds", type=float, default=15)
    ap.add_argument("--concurrent-max", type=int, default=3000)
    ap.add_argument(
        "--rounds", type=int, default=3, help="repeat the HTTP measurements; each figure is the median of the rounds"
    )
    ap.add_argument("--keep", action="store_true", help="keep the database (and the PostgreSQL cluster dir)")
    ap.add_argument("--skip-http", action="store_true")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database DATABASE_URL points at (kept by an earlier --keep run): no generation, no import",
    )
    args = ap.parse_args()
    count = args.count or (1_000_000 if args.large else 30_000)
    import_rows = args.import_rows if args.import_rows is not None else (50_000 if args.large else 10_000)

    db = Database(args)
    env = configure(db)
    server = None
    metrics: dict[str, Any] = {}
    per_round: dict[str, list[Any]] = {}
    started = time.monotonic()
    try:
        import django

        django.setup()
        from django.db import connection, connections

        from xinfang.petitions.models import Petition

        log(f"database: {connection.vendor} ({db.url.split('@')[-1]})")
        run_command("migrate", "--noinput", "-v", "0")
        codes_file = db.var / "codes.json"
        if args.reuse:
            if not os.environ.get("DATABASE_URL"):
                raise SystemExit("--reuse needs DATABASE_URL")
            log("reusing the database: no generation")
        else:
            log(f"generating {count:,} petitions …")
            t0 = time.perf_counter()
            from xinfang.demo.volume.province import build_province, load_counties

            if not load_counties():  # first the organisation (what the command would do), outside the CPU figure
                build_province(log=log)
            meter = CpuMeter()
            meter.start()
            out = run_command(
                "generate_petitions",
                "--count",
                str(count),
                "--seed",
                "1",
                "--batch-size",
                "2000",
                "--codes-file",
                str(codes_file),
            )
            wall = time.perf_counter() - t0
            m = re.search(r"([\d,]+) 件/秒", out)
            metrics["import_per_s"] = float(m.group(1).replace(",", "")) if m else round(count / wall, 1)
            metrics["generate_total_s"] = round(wall, 1)  # includes building the organisation on a fresh database
            metrics.update(meter.stop(count, "generate_cpu_ms"))
            log(out.strip())
            with connection.cursor() as cur:  # fresh statistics (and, on PostgreSQL, the visibility map)
                cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        s = Setup()
        if import_rows and not args.reuse:
            csv_path = db.var / "import.csv"
            from xinfang.accounts.models import Area

            areas = list(Area.objects.filter(path__startswith=s.county.path).values_list("code", flat=True))
            make_import_csv(csv_path, import_rows, s.county.code, areas)
            log(f"importing {import_rows:,} CSV rows …")
            t0 = time.perf_counter()
            out = run_command("import_petitions", str(csv_path), "--office", s.office.code, "--no-progress")
            metrics["import_file_rows_per_s"] = round(import_rows / (time.perf_counter() - t0), 1)
            log(out.strip().splitlines()[-1])
            # The import put 50,000 cases into the county the pages measure: what autovacuum does to a
            # table after such a batch (migration petitions 0010 lowers its thresholds), done now rather
            # than at some point during the measurements: statistics and the visibility map up to date.
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        metrics["petitions"] = Petition.objects.count()
        metrics.update(inprocess_measurements(s, repeat=15))
        if not args.skip_http:
            connections.close_all()
            log("starting gunicorn (2 workers) …")
            server = Server(env)
            figures, per_round = http_rounds(server, s, args, codes_file)
            metrics.update(figures)
        metrics["total_s"] = round(time.monotonic() - started, 1)
        env_info = environment(args, count, per_round)
        write_results(metrics, env_info)
        print_table(metrics, env_info)
    finally:
        if server:
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up
            pass
        db.stop(args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
