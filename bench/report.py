"""The report: the targets, what the figures were measured under (`environment`), bench/results/latest.json
and the table on stdout."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import time
from typing import Any

import stats_cases  # the 统计分析 cases (bench/stats_cases.py)
from common import ROOT

TARGETS = {  # at 1M petitions on PostgreSQL (the brief); "<=" or ">="
    "intake_single_ms_median": ("<=", 10),
    "intake_concurrent_per_s": (">=", 200),
    "list_p95_ms": ("<=", 60),
    "list_queries": ("<=", 12),
    "detail_queries": ("<=", 15),
    "import_per_s": (">=", 5000),
    "rss_mb": ("<=", 200),
    **stats_cases.TARGETS,
}


def environment(args: argparse.Namespace, count: int, per_round: dict[str, list[Any]]) -> dict[str, Any]:
    """The database, its settings, the machine and which figure was measured how (results' "env")."""
    from django import get_version
    from django.db import connection

    settings_seen: dict[str, str] = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:  # what the figures were measured under
            cur.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN ('fsync', "
                "'synchronous_commit', 'full_page_writes', 'shared_buffers', 'work_mem', 'random_page_cost', "
                "'effective_cache_size', 'jit')"
            )
            settings_seen = dict(cur.fetchall())
    env_info = {
        "database": connection.vendor,
        "database_settings": settings_seen,
        "database_version": ".".join(map(str, connection.Database.sqlite_version_info))
        if connection.vendor == "sqlite"
        else str(connection.pg_version),
        "python": platform.python_version(),
        "django": get_version(),
        "cpus": os.cpu_count(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "machine": platform.machine(),
        "count": count,
        "large": args.large,
        "measured": {
            "http (gunicorn, 2 sync workers, 127.0.0.1)": [
                "intake_single_ms_median",
                "intake_concurrent_per_s",
                "list_p95_ms",
                "workbench_p95_ms",
                "detail_p95_ms",
                "portal_lookup_ms_median",
                "rss_mb",
                *stats_cases.HTTP_KEYS,
            ],
            "in-process": [
                "list_queries",
                "workbench_queries",
                "detail_queries",
                "overdue_city_count_ms_median",
                "import_per_s",
                "import_file_rows_per_s",
                *stats_cases.INPROCESS_KEYS,
            ],
        },
        # HTTP figures are the median of this many rounds (rss_mb: the maximum); each round's figure:
        "http_rounds": args.rounds if not args.skip_http else 0,
        "per_round": per_round,
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    return env_info


def write_results(metrics: dict[str, Any], env_info: dict[str, Any]) -> None:
    results = {"metrics": metrics, "env": env_info}
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


def print_table(metrics: dict[str, Any], env: dict[str, Any]) -> None:
    print()
    print(
        f"xinfang bench — {env['database']} {env['database_version']}, {metrics.get('petitions', 0):,} petitions, "
        f"{env['cpus']} CPUs, load {env['load_avg']}"
    )
    if env.get("database_settings"):
        print("PostgreSQL settings: " + ", ".join(f"{k}={v}" for k, v in sorted(env["database_settings"].items())))
    how = {k: "http" for k in env["measured"]["http (gunicorn, 2 sync workers, 127.0.0.1)"]}
    how.update({k: "in-process" for k in env["measured"]["in-process"]})
    print(f"{'metric':34} {'value':>12}  {'target (1M, PG)':>16}  how")
    for key, value in metrics.items():
        target = TARGETS.get(key)
        mark = ""
        if target and isinstance(value, int | float):
            ok = value <= target[1] if target[0] == "<=" else value >= target[1]
            mark = "ok" if ok else "MISS"
        t = f"{target[0]} {target[1]} {mark}" if target else ""
        shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
        spread = env.get("per_round", {}).get(key)
        rounds = f"  rounds {min(spread):g}–{max(spread):g}" if spread and len(spread) > 1 else ""
        print(f"{key:34} {shown:>12}  {t:>16}  {how.get(key, '')}{rounds}")
    if env.get("http_rounds", 0) > 1:
        print(f"http figures: the median of {env['http_rounds']} rounds (rss_mb: their maximum)")
    if "intake_via" in metrics:
        print(f"intake measured through: {metrics['intake_via']}")
    print("results: bench/results/latest.json")
