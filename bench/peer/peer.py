#!/usr/bin/env python
"""Side by side with the peer system django-helpdesk 2.6.x: intake through REST, the filtered staff list and the
keyword search, both systems in one run on the same database server.

The scenario is the reduced form of ../shared/peers-helpdesk.md ("Scenario", "Reusing it for our system"):

| path | django-helpdesk (peer) | xinfang |
|---|---|---|
| create | N x POST /helpdesk/api/tickets/ (JSON, session auth, staff superuser, Chinese title/description) | N x POST /api/v1/petitions/ (JSON, API token of the busiest county office, as bench/ab_inprocess.py) |
| list_filtered | GET /helpdesk/datatables_ticket_list/<base64>?draw=1&start=0&length=25 for queue 1 + Open (`list_data_filtered`; the URL is taken from the rendered /helpdesk/tickets/?queue=..&status=1) | GET /staff/petitions/?status=accepted&area=<county> as the county dispatcher |
| search | the same JSON endpoint for `q=<keyword>`, status Open/Reopened (`list_data_keyword_search`) | GET /staff/petitions/?q=<keyword> as the county dispatcher |

Each system runs in its own subprocess, with its own virtualenv and settings (Django's test client in-process, no
HTTP server): the peer under bench/peer/.venv-helpdesk with bench/peer/helpdesk_project, xinfang under
the project's .venv with config.settings.dev. Every path is warmed 3 times, its SQL statements counted once, then timed
(creates `--n` times, reads `--repeat` times). The rounds alternate the order (peer first, then xinfang first, ...).
Printed: the median of the per-round medians (ms) of each system, the ratio peer/xinfang (median of the per-round
ratios, with min and max), the app CPU of the process per request, the statements per request and the rows found.
This is a single-client latency comparison, not a throughput test; the machine is noisy (±20 %), so compare only
figures from one run.

Setup (once):

    python3.11 -m venv bench/peer/.venv-helpdesk
    bench/peer/.venv-helpdesk/bin/pip install -r bench/peer/helpdesk_project/requirements.txt
    psql "$PG" -c 'create database hdpeer'      # the peer's own database
    psql "$PG" -c 'create database xfpeer'      # xinfang's own database (or reuse one with generated cases)

Prepare the databases (migrate, 5 queues 责任单位01..05, a staff superuser, `--count` tickets by bulk_create with
one FollowUp each, 30 % Closed, 20 % assigned, created spread over two years; and for xinfang
`bench/run.py --count N --keep --skip-http --import-rows 0`, bench/results/latest.json and var/bench/codes.json
restored afterwards):

    python bench/peer/peer.py --peer-database-url postgres://…/hdpeer --xinfang-database-url postgres://…/xfpeer \
        --count 50000 --prepare-peer --prepare-xinfang --prepare-only

Measure:

    python bench/peer/peer.py --peer-database-url postgres://…/hdpeer --xinfang-database-url postgres://…/xfpeer \
        --n 100 --repeat 20 --rounds 2 [--json-out bench/peer/results/run.json]

`--prepare-peer` only tops the table up to `--count` (the creates of earlier runs count too); `--prepare-xinfang`
adds `--count` generated cases each time it runs, so give it a fresh database. Without the URLs: the environment
variables PEER_DATABASE_URL and XINFANG_DATABASE_URL (or DATABASE_URL). The keyword defaults to 物业 on both
sides (one peer template in 18; about 7 % of the generated xinfang cases; not in the text the creates post, so the
rows found do not grow during the run); `--peer-keyword citizen42` reproduces the md's search (a submitter address).
`--xinfang-user supervisor`: xinfang's list and search as the city 督查员 (sees the whole city) instead of the county
dispatcher (sees the office's cases); the peer's staff user is a superuser and sees every ticket.

This file is the entry point (the arguments, the child processes, the alternating rounds, the report); the parts
live beside it: peer_common.py (the paths, the posted text, the children's environment, `measure`),
helpdesk_side.py (the peer's setup, preparation with its texts, child) and xinfang_side.py (xinfang's
preparation and child).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from helpdesk_side import peer_child, peer_prepare
from peer_common import PEER_PYTHON, system_env
from xinfang_side import prepare_xinfang, xinfang_child

PATHS = ("create", "list_filtered", "search")


def _child(system: str, url: str, extra: list[str]) -> dict[str, Any]:
    python, cwd, env = system_env(system, url)
    proc = subprocess.run(
        [*python, str(Path(__file__).resolve()), "--child", system, *extra],
        cwd=cwd, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode:
        raise SystemExit(f"{system} child failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(runs: dict[str, list[dict[str, Any]]]) -> None:
    peer, xf = runs["peer"], runs["xinfang"]
    print()
    print(f"peer: django-helpdesk {peer[0]['versions']}, {peer[0]['cases_before']:,} tickets at the start")
    print(f"xinfang: {xf[0]['versions']}, {xf[0]['cases_before']:,} petitions at the start")
    print(f"rounds: {len(peer)} (order alternating, peer first in round 1)")
    print()
    head = f"{'path':22} {'peer ms':>9} {'xinfang ms':>11} {'peer/xinfang':>13} {'min':>6} {'max':>6}"
    print(f"{head}   {'statements peer / xinfang':>26}   {'rows peer / xinfang':>20}")
    for path in PATHS:
        for what, label in (("ms", "wall"), ("p95_ms", "p95"), ("app_cpu_ms", "app CPU")):
            p = [r[what][path] for r in peer]
            x = [r[what][path] for r in xf]
            ratios = [a / b for a, b in zip(p, x, strict=True)]
            line = (
                f"{path + ' ' + label:22} {statistics.median(p):>9.1f} {statistics.median(x):>11.1f} "
                f"{statistics.median(ratios):>13.2f} {min(ratios):>6.2f} {max(ratios):>6.2f}"
            )
            if what == "ms":
                q = f"{peer[0]['queries'][path]} / {xf[0]['queries'][path]}"
                rows = "" if path == "create" else f"{peer[-1]['rows'][path]:,} / {xf[-1]['rows'][path]:,}"
                line += f"   {q:>26}   {rows:>20}"
            print(line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--peer-database-url", default=os.environ.get("PEER_DATABASE_URL", ""))
    ap.add_argument(
        "--xinfang-database-url",
        default=os.environ.get("XINFANG_DATABASE_URL", os.environ.get("DATABASE_URL", "")),
    )
    ap.add_argument(
        "--count", type=int, default=50_000, help="tickets for --prepare-peer / cases for --prepare-xinfang"
    )
    ap.add_argument("--prepare-peer", action="store_true", help="migrate and bulk_create the peer up to --count")
    ap.add_argument("--prepare-xinfang", action="store_true", help="bench/run.py --count N … on the xinfang database")
    ap.add_argument("--prepare-only", action="store_true", help="prepare, measure nothing")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=100, help="timed creates per system and round")
    ap.add_argument("--repeat", type=int, default=20, help="timed list and search requests per system and round")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--keyword", default="物业", help="the search keyword of both systems")
    ap.add_argument("--peer-keyword", default="", help="another keyword for the peer (the md: citizen42)")
    ap.add_argument(
        "--xinfang-user",
        choices=["dispatcher", "supervisor"],
        default="dispatcher",
        help="xinfang's reader: the county dispatcher (as bench/ab_inprocess.py) or the city supervisor",
    )
    ap.add_argument("--json-out", type=Path)
    ap.add_argument("--child", choices=["peer", "xinfang", "peer-prepare"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "peer-prepare":
        peer_prepare(args.count, args.seed)
        return 0
    if args.child == "peer":
        print(json.dumps(peer_child(args.n, args.repeat, args.peer_keyword or args.keyword), ensure_ascii=False))
        return 0
    if args.child == "xinfang":
        print(json.dumps(xinfang_child(args.n, args.repeat, args.keyword, args.xinfang_user), ensure_ascii=False))
        return 0
    if not args.peer_database_url or not args.xinfang_database_url:
        raise SystemExit("needs --peer-database-url and --xinfang-database-url (or the environment variables)")
    if args.peer_database_url == args.xinfang_database_url:
        raise SystemExit("the two systems need databases of their own")
    if not PEER_PYTHON.exists():
        raise SystemExit(f"no {PEER_PYTHON}: see the setup in {Path(__file__).name}'s docstring")
    urls = {"peer": args.peer_database_url, "xinfang": args.xinfang_database_url}
    for name, url in urls.items():
        print(f"{name}: {url.split('@')[-1]}", flush=True)
    if args.prepare_peer:
        t0 = time.perf_counter()
        info = _child("peer-prepare", urls["peer"], ["--count", str(args.count), "--seed", str(args.seed)])
        print(f"peer prepared in {time.perf_counter() - t0:.0f} s: {info}", flush=True)
    if args.prepare_xinfang:
        t0 = time.perf_counter()
        prepare_xinfang(urls["xinfang"], args.count)
        print(f"xinfang prepared in {time.perf_counter() - t0:.0f} s", flush=True)
    if args.prepare_only:
        return 0
    extra = [
        *("--n", str(args.n), "--repeat", str(args.repeat)),
        *("--keyword", args.keyword, "--xinfang-user", args.xinfang_user),
    ]
    if args.peer_keyword:
        extra += ["--peer-keyword", args.peer_keyword]
    runs: dict[str, list[dict[str, Any]]] = {"peer": [], "xinfang": []}
    for r in range(args.rounds):
        for name in ("peer", "xinfang") if r % 2 == 0 else ("xinfang", "peer"):
            t0 = time.perf_counter()
            runs[name].append(_child(name, urls[name], extra))
            res = runs[name][-1]
            ms = ", ".join(f"{k} {v:.1f}" for k, v in res["ms"].items())
            print(f"round {r + 1} {name}: {ms} ms ({time.perf_counter() - t0:.0f} s)", flush=True)
    report(runs)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(runs, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
