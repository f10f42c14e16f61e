#!/usr/bin/env python
"""In-process A/B: REST registration, the staff list, the case page and the workbench, this checkout against
another.

    DATABASE_URL=postgres://… python bench/ab_inprocess.py --base /path/to/other/checkout [--rounds 4]

Each round runs one process per checkout in turn (the order flips each round), each timing `--n`
registrations (POST /api/v1/petitions/ with a token, Django's test client: no HTTP server), and as many
list pages, case pages and workbench pages (the 待分办 inbox), and counting their queries. The machine's
speed drifts, so what is reported is the ratio this/base per round (median of each), with its spread over
the rounds, not milliseconds.
Use a database prepared by `bench/run.py --large --keep` (any with generated cases; the schema must suit
both checkouts). It writes registrations in the busiest county office.

When the other checkout's schema no longer matches this one's (a pre-renovation commit), give it a
database of its own:

    DATABASE_URL=postgres://…/this_db python bench/ab_inprocess.py --base /path/to/other/checkout \
        --base-database-url postgres://…/base_db

The base checkout's processes then use `--base-database-url` and this checkout's DATABASE_URL. Prepare
each database with its own checkout's code: in the other checkout, `DATABASE_URL=…/base_db
python bench/run.py --large --keep --skip-http` (or `manage.py migrate` and `generate_petitions` there),
with the same `--count` as this checkout's database (the seed is fixed), so that both measure the same
cases.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def django_for(code: Path) -> Any:
    """Django set up as the in-process benches run it, on the checkout `code` (its settings, its bench
    key, no rate limit); returns that checkout's bench/run.py."""
    sys.path.insert(0, str(code / "bench"))
    import run as bench

    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        XINFANG_VAR_DIR=str(code / "var" / "bench"),
        XINFANG_FIELD_KEY=bench.BENCH_KEY,
        XINFANG_API_RATE="100000000/min",
        XINFANG_LOG_LEVEL="ERROR",
    )
    (code / "var" / "bench" / "staticfiles").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    import xinfang

    assert Path(xinfang.__file__).is_relative_to(code), xinfang.__file__
    return bench


def api_registration(bench: Any, s: Any, *, name: str, content: str, title: str, first: int = 0) -> Any:
    """A function that registers one case through POST /api/v1/petitions/ with a token of the office of
    bench/run.py's `Setup` `s`, a new petitioner each time (`Intake._person`, numbered from `first`), and
    returns the status code."""
    import threading

    from django.test import Client

    from xinfang.accounts.models import Role
    from xinfang.api.services import api_token_create

    token = api_token_create(name=f"{name}-{time.time_ns()}", unit=s.office, roles=[Role.CLERK]).raw
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    body = {
        "channel": "call",
        "content": content,
        "title": title,
        "area_code": s.county.code,
        "category_code": "602015",
        "purpose": "601003",
    }
    intake = bench.Intake.__new__(bench.Intake)
    intake.s, intake.counter, intake.lock = s, first, threading.Lock()

    def register() -> int:
        data = json.dumps({**body, "petitioner": intake._person()}, ensure_ascii=False)
        return api.post("/api/v1/petitions/", data, content_type="application/json").status_code

    return register


def child(n: int, stats_n: int = 0) -> None:
    bench = django_for(Path.cwd())  # the checkout under test (its bench/run.py puts it first on the path)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    s = bench.Setup()
    register = api_registration(
        bench,
        s,
        name="ab",
        content="建设街与人民路交叉口的窨井盖破损，老人小孩夜间经过很危险，请尽快修复。（压测）",
        title="窨井盖破损（压测）",
    )
    staff = Client()
    staff.force_login(s.dispatcher)

    pages = {
        "list": lambda: staff.get(f"/staff/petitions/?status={s.list_status}&area={s.county.code}").status_code,
        "case": lambda: staff.get(f"/staff/petitions/{s.detail.pk}/").status_code,
        "workbench": lambda: staff.get("/staff/?inbox=to_dispatch").status_code,  # as bench/http_bench.py
    }
    counts = {"register": n, "list": n, "case": n, "workbench": n}
    if stats_n:  # the 统计分析 page of the city as its 督查员 sees it (bench/stats_cases.py), last month
        import stats_cases

        supervisor = Client()
        supervisor.force_login(s.supervisor)
        city_path = stats_cases.paths(s)["city"][1]
        pages["stats"] = lambda: supervisor.get(city_path).status_code
        counts["stats"] = stats_n
    out: dict[str, float] = {}
    for name, fn in {"register": register, **pages}.items():
        for _ in range(3):  # warm: caches, the token's first use
            fn()
        with CaptureQueriesContext(connection) as q:
            status = fn()
        assert status in (200, 201), (name, status)
        out[f"{name}_queries"] = len(q)
        times, cpu = [], time.process_time()
        for _ in range(counts[name]):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        out[f"{name}_ms"] = statistics.median(times)
        out[f"{name}_app_cpu_ms"] = (time.process_time() - cpu) * 1000 / counts[name]  # this process only
    print(json.dumps(out))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, help="the other checkout")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--n", type=int, default=40, help="timed requests of each kind per process")
    ap.add_argument(
        "--base-database-url",
        metavar="URL",
        default="",
        help="the base checkout's own database (prepared by its own code); default: DATABASE_URL for both",
    )
    ap.add_argument(
        "--stats", type=int, default=0, metavar="N", help="also time N 统计分析 pages of the city per process"
    )
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.n, args.stats)
        return 0
    if not os.environ.get("DATABASE_URL") or args.base is None:
        raise SystemExit("needs DATABASE_URL and --base")
    roots = {"base": args.base.resolve(), "this": ROOT}
    databases = {"base": args.base_database_url or os.environ["DATABASE_URL"], "this": os.environ["DATABASE_URL"]}
    for name in ("base", "this"):
        print(f"{name}: {roots[name]} on {databases[name].split('@')[-1]}", flush=True)
    runs: dict[str, list[dict[str, float]]] = {"base": [], "this": []}
    for r in range(args.rounds):
        for name in ("base", "this") if r % 2 == 0 else ("this", "base"):
            script = ROOT / "bench" / "ab_inprocess.py"
            env = dict(os.environ, PYTHONPATH=str(roots[name]), DATABASE_URL=databases[name])
            proc = subprocess.run(
                [sys.executable, str(script), "--child", "--n", str(args.n), "--stats", str(args.stats)],
                cwd=roots[name], env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if proc.returncode:
                raise SystemExit(proc.stderr[-3000:])
            runs[name].append(json.loads(proc.stdout.strip().splitlines()[-1]))
            print(name, runs[name][-1], flush=True)
    print(f"{'':10} {'this/base (median of rounds)':>30} {'min':>6} {'max':>6}   queries base → this")
    for kind in ("register", "list", "case", "workbench", *(("stats",) if args.stats else ())):
        for what in ("ms", "app_cpu_ms"):
            pairs = zip(runs["this"], runs["base"], strict=True)
            ratios = [t[f"{kind}_{what}"] / b[f"{kind}_{what}"] for t, b in pairs]
            q = f"{runs['base'][0][f'{kind}_queries']:.0f} → {runs['this'][0][f'{kind}_queries']:.0f}"
            label = f"{kind} {'wall' if what == 'ms' else 'app CPU'}"
            print(f"{label:18} {statistics.median(ratios):>22.3f} {min(ratios):>6.3f} {max(ratios):>6.3f}   {q}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
