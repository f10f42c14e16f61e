#!/usr/bin/env python
"""A/B of registration through real HTTP: this checkout against another one, on one database, at once.

    DATABASE_URL=postgres://… python bench/ab.py --base /path/to/other/checkout [--rounds 8]

This machine's speed drifts by 20–30% within minutes, so two benchmark runs a few minutes apart do not
compare two versions of the code. Here both run side by side: one gunicorn (2 sync workers) serving the
other checkout's code (`--base`, e.g. `git worktree add /tmp/base <commit>`) and one serving this
checkout's, on the same database, with the requests alternating between them in blocks:

- one client: `--block` registrations on one server, then on the other, `--rounds` times (the order
  flips each round); median and p95 latency, and the workers' CPU per registration (from /proc);
- 8 clients: `--seconds`-long bursts, alternating the same way; the median rate.

Use a database prepared by `bench/run.py --large --keep` (or any with the bench users; the schema must
suit both checkouts). Nothing is written but registrations in the busiest county office.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (bench/run.py: the database, the server, the client)


def worker_cpu(server: bench.Server) -> float:
    return sum(bench._proc_cpu(pid) for pid in server.worker_pids())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="the other checkout (its code is served as 'base')")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--block", type=int, default=40, help="registrations per block, one client")
    ap.add_argument("--seconds", type=float, default=6, help="length of a burst, 8 clients")
    args = ap.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("bench/ab.py needs DATABASE_URL (a database kept by bench/run.py --keep)")
    base = args.base.resolve()
    if not (base / "config" / "wsgi.py").exists():
        raise SystemExit(f"{base} is not a checkout of xinfang")
    db = bench.Database(argparse.Namespace(large=True))
    env = bench.configure(db)
    import django

    django.setup()
    setup = bench.Setup()
    servers = {"base": bench.Server(env, root=base), "this": bench.Server(env)}
    try:
        intakes = {}
        for name, server in servers.items():
            intakes[name] = bench.Intake(server, setup)
            time.sleep(1.1)  # the API token's name carries the second
            bench.timed(intakes[name].one, 10)  # warm both workers
        order = list(servers)
        latency: dict[str, list[float]] = {n: [] for n in servers}
        cpu: dict[str, list[float]] = {n: [] for n in servers}
        for r in range(args.rounds):
            for name in order if r % 2 == 0 else order[::-1]:
                c0 = worker_cpu(servers[name])
                latency[name] += bench.timed(intakes[name].one, args.block)
                cpu[name].append((worker_cpu(servers[name]) - c0) / args.block * 1000)
        rates: dict[str, list[float]] = {n: [] for n in servers}
        errors = 0
        for r in range(args.rounds):
            for name in order if r % 2 == 0 else order[::-1]:
                rate, _ok, err = bench.concurrent(intakes[name].one, 8, args.seconds, 100_000)
                rates[name].append(rate)
                errors += err
    finally:
        for server in servers.values():
            server.stop()
    print(f"A/B, {args.rounds} rounds alternating; base = {base}, this = {bench.ROOT}")
    print(f"{'':6s} {'median ms':>10s} {'p95 ms':>8s} {'worker CPU ms':>14s} {'8 clients /s':>13s}  bursts")
    for name in servers:
        print(
            f"{name:6s} {statistics.median(latency[name]):10.2f} {bench.percentile(latency[name], 95):8.2f}"
            f" {statistics.median(cpu[name]):14.2f} {statistics.median(rates[name]):13.1f}"
            f"  {[round(x) for x in rates[name]]}"
        )
    if errors:
        print(f"{errors} registrations failed")
    return 1 if errors else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_a: sys.exit(1))
    raise SystemExit(main())
