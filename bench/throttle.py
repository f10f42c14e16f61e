#!/usr/bin/env python
"""The throttles across processes: the portal's 查询码 lookup limits and the login lockout (issue 14).

    python bench/throttle.py [--cache db,redis] [--n 1000] [--race 100] [--fill 20000]   # make bench-throttle
    DATABASE_URL=postgres://… python bench/throttle.py            # the same on PostgreSQL

A harness that prints figures, not a test. The database is DATABASE_URL or a fresh SQLite file under
var/bench-throttle/ (migrated first). Each cache of `--cache` is measured on it:

- `db`: the default, Django's database cache (table xinfang_cache);
- `redis`: REDIS_URL, or a redis-server this script starts on 127.0.0.1 (a free port, no persistence)
  and stops at the end; left out, with a note, when there is neither.

Settings as config/settings/base.py makes them (config.settings.dev, DEBUG off): CACHES from REDIS_URL.
The login lockout is django-axes with its default database handler: its counts are rows of
axes_accessattempt in the database, whichever cache is configured.

1. Cost, µs per call, median and p95 over `--n` calls in one process, each call on keys of its own
   (a first lookup, a first failure):
   - portal check: `portal.throttle.lookup_blocked(ip=, number=)`, what the lookup view asks first;
   - portal failure: `portal.throttle.lookup_failed(ip=, number=)`, after a wrong 查询码; once more
     with `--fill` other counters in the cache (the database cache counts its table on every write);
   - login check: `AxesStandaloneBackend.authenticate(request, …)`, the first backend Django's
     `authenticate()` asks (allowed: it returns None);
   - login failure: axes' receiver of `user_login_failed` (the throttle's part of a failed login;
     the password hash and the audit row are not in the figure).
2. Across processes, each a separate Python process on the same settings:
   - A posts 5 wrong 查询码 for one case number to `/portal/lookup/` and 5 wrong passwords for one
     username to `/accounts/login/` (Django's test client, in A); then B, started after A has ended,
     reads the counters and makes one more request of each: B's lookup comes from another IP (the
     per-number limit), B's login from A's IP (axes locks a username + IP pair). Expected: 429 both.
   - A and B together, released at the same moment: `--race` portal failures each on the same IP and
     number, and as many axes failures on the same username and IP; the counts then, against 2 × race
     (fewer: increments lost between processes).

A table on stdout; bench/results/throttle.json keeps the latest run of each database + cache.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

from common import BENCH_KEY, ROOT, log, percentile

VAR = ROOT / "var" / "bench-throttle"
PASSWORD = "wrong-password-123"


def child_env(database_url: str, redis_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        XINFANG_VAR_DIR=str(VAR),
        XINFANG_FIELD_KEY=BENCH_KEY,
        XINFANG_LOG_LEVEL="ERROR",  # axes logs a warning on every failure
        DB_CONN_MAX_AGE="60",
        PYTHONPATH=str(ROOT),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


# ---------------------------------------------------------------- the child processes


def ip_of(i: int) -> str:
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


def stats_us(samples_ns: list[int]) -> dict[str, float]:
    us = [x / 1000 for x in samples_ns]
    return {"median_us": round(statistics.median(us), 1), "p95_us": round(percentile(us, 95), 1)}


def login_request(ip: str, username: str) -> Any:
    from django.test import RequestFactory

    return RequestFactory().post("/accounts/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip)


def fill_cache(n: int, tag: str) -> None:
    """`n` live counters in the cache, as a scan of that many IPs or numbers would leave."""
    from django.core.cache import cache
    from django.db import connection

    from xinfang.portal import throttle

    if not n:
        return
    keys = [f"portal:lookup:ip:fill-{tag}-{i}" for i in range(n)]
    if not hasattr(cache, "_table"):  # Redis: one pipeline
        for start in range(0, n, 5000):
            cache.set_many(dict.fromkeys(keys[start : start + 5000], 1), timeout=throttle.WINDOW_SECONDS)
        return
    # The database cache: rows written directly (cache.set_many would count the table once a key).
    import base64
    import datetime as dt
    import pickle

    value = base64.b64encode(pickle.dumps(1, pickle.HIGHEST_PROTOCOL)).decode("latin1")
    expires = connection.ops.adapt_datetimefield_value(
        dt.datetime.now(dt.UTC) + dt.timedelta(seconds=throttle.WINDOW_SECONDS)
    )
    table = connection.ops.quote_name(cache._table)
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s)",
            [(cache.make_key(k), value, expires) for k in keys],
        )


def cost(n: int, fill: int) -> dict[str, Any]:
    from axes.backends import AxesStandaloneBackend
    from axes.signals import handle_user_login_failed

    from xinfang.portal import throttle

    tag = f"{random.getrandbits(32):08x}"
    base = random.randrange(1 << 23)
    out: dict[str, Any] = {}

    def measure(name: str, calls: list[Any]) -> None:
        for fn in calls[:20]:  # warm: connection, statements
            fn()
        samples = []
        for fn in calls[20:]:
            t = time.perf_counter_ns()
            fn()
            samples.append(time.perf_counter_ns() - t)
        out[name] = stats_us(samples)

    def portal(i: int, what: Any) -> Any:
        return lambda: what(ip=ip_of(base + i), number=f"BENCH-THR-{tag}-{i}")

    total = n + 20
    measure("portal_check", [portal(i, throttle.lookup_blocked) for i in range(total)])
    measure("portal_failure", [portal(total + i, throttle.lookup_failed) for i in range(total)])
    if fill:
        fill_cache(fill, tag)
        measure("portal_failure_filled", [portal(2 * total + i, throttle.lookup_failed) for i in range(total)])
    backend = AxesStandaloneBackend()
    requests = [login_request(ip_of(base + i), f"bench-thr-{tag}-{i}") for i in range(total)]

    def check(req: Any) -> Any:
        def call() -> None:
            assert backend.authenticate(req, username=req.POST["username"], password=PASSWORD) is None

        return call

    measure("login_check", [check(r) for r in requests])
    requests = [login_request(ip_of(base + total + i), f"bench-thr-{tag}-f{i}") for i in range(total)]

    def fail(req: Any) -> Any:
        return lambda: handle_user_login_failed(
            sender=None, credentials={"username": req.POST["username"]}, request=req
        )

    measure("login_failure", [fail(r) for r in requests])
    return out


def seen(ip: str, number: str, username: str) -> dict[str, Any]:
    """The counters as this process reads them."""
    from axes.handlers.proxy import AxesProxyHandler

    from xinfang.portal import throttle

    req = login_request(ip, username)
    return {
        "portal_number_count": throttle._count(throttle._number_key(number)),
        "portal_ip_count": throttle._count(throttle._ip_key(ip)),
        "login_failures": AxesProxyHandler.get_failures(req, {"username": username}),
    }


def attempts(role: str, ip: str, other_ip: str, number: str, username: str, k: int) -> dict[str, Any]:
    """A: k wrong 查询码 and k wrong passwords through the pages; B: what it sees, then one more of each."""
    from django.test import Client

    from xinfang.portal import throttle

    out: dict[str, Any] = {"pid": os.getpid()}
    if role == "A":
        portal, login = Client(REMOTE_ADDR=ip), Client(REMOTE_ADDR=ip)
        out["portal_statuses"] = [
            portal.post("/portal/lookup/", {"number": number, "code": "WRONG-CODE-0000"}).status_code for _ in range(k)
        ]
        out["login_statuses"] = [
            login.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code for _ in range(k)
        ]
        out.update(seen(ip, number, username))
        return out
    out.update(seen(ip, number, username))
    out["portal_blocked"] = throttle.lookup_blocked(ip=other_ip, number=number)
    out["portal_status"] = (
        Client(REMOTE_ADDR=other_ip).post("/portal/lookup/", {"number": number, "code": "WRONG-CODE-0000"}).status_code
    )
    out["login_status"] = (
        Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code
    )
    return out


def race(ip: str, number: str, username: str, m: int) -> dict[str, Any]:
    """m portal failures and m login failures on shared keys, once the parent says go."""
    from axes.signals import handle_user_login_failed

    from xinfang.portal import throttle

    requests = [login_request(ip, username) for _ in range(m)]
    throttle.lookup_blocked(ip=ip, number=number)  # connected, warm
    print("ready", flush=True)
    sys.stdin.readline()
    t = time.perf_counter()
    for i in range(m):
        throttle.lookup_failed(ip=ip, number=number)
        handle_user_login_failed(sender=None, credentials={"username": username}, request=requests[i])
    return {"pid": os.getpid(), "seconds": round(time.perf_counter() - t, 2)}


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    p = json.loads(args.params)
    if args.child == "prepare":
        from io import StringIO

        from django.core.management import call_command

        call_command("migrate", "--noinput", stdout=StringIO(), skip_checks=True)
        result: dict[str, Any] = {
            "database": connection.vendor,
            "database_version": ".".join(map(str, connection.Database.sqlite_version_info))
            if connection.vendor == "sqlite"
            else str(connection.pg_version),
        }
    elif args.child == "cost":
        result = cost(p["n"], p["fill"])
    elif args.child == "attempts":
        result = attempts(p["role"], p["ip"], p["other_ip"], p["number"], p["username"], p["k"])
    elif args.child == "race":
        result = race(p["ip"], p["number"], p["username"], p["m"])
    else:  # "seen"
        result = seen(p["ip"], p["number"], p["username"])
    result["cache"] = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(json.dumps(result), flush=True)


# ---------------------------------------------------------------- the parent


def run_child(env: dict[str, str], which: str, **params: Any) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", which, "--params", json.dumps(params)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode:
        raise SystemExit(f"child {which} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run_race(env: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    cmd = [sys.executable, __file__, "--child", "race", "--params", json.dumps(params)]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for p in procs:
        line = p.stdout.readline() if p.stdout else ""
        if line.strip() != "ready":
            raise SystemExit(f"race child said {line!r}")
    for p in procs:  # go
        if p.stdin:
            p.stdin.write("go\n")
            p.stdin.flush()
    results = []
    for p in procs:
        out, _err = p.communicate(timeout=300)
        if p.returncode:
            raise SystemExit("race child failed")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def start_redis() -> tuple[subprocess.Popen[bytes] | None, str | None, str]:
    """REDIS_URL, or a redis-server of our own on loopback; (process or None, url or None, note)."""
    if os.environ.get("REDIS_URL"):
        return None, os.environ["REDIS_URL"], "REDIS_URL"
    exe = shutil.which("redis-server")
    if not exe:
        return None, None, "no redis-server on PATH and no REDIS_URL: Redis not measured"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            client.ping()
            version = client.info()["redis_version"]
            return proc, f"redis://127.0.0.1:{port}/0", f"redis-server {version} on 127.0.0.1:{port}, started here"
        except redis.ConnectionError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("redis-server did not start")


def measure_one(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    tag = f"{random.getrandbits(32):08x}"  # keys of this run only (a kept database, a shared Redis)
    base = random.randrange(1 << 23)
    log("cost of the throttle calls …")
    costs = run_child(env, "cost", n=args.n, fill=args.fill)
    k = 5  # the portal's per-number limit and the login lockout, at their defaults
    keys = {"ip": ip_of(base), "number": f"BENCH-THR-{tag}-A", "username": f"bench-thr-{tag}-a"}
    log("process A: wrong 查询码 and wrong passwords through the pages …")
    a = run_child(env, "attempts", role="A", other_ip=ip_of(base + 1), k=k, **keys)
    log("process B: what it sees …")
    b = run_child(env, "attempts", role="B", other_ip=ip_of(base + 1), k=k, **keys)
    race_keys = {"ip": ip_of(base + 2), "number": f"BENCH-THR-{tag}-R", "username": f"bench-thr-{tag}-r"}
    log(f"A and B together: {args.race} failures each on the same keys …")
    racers = run_race(env, m=args.race, **race_keys)
    after = run_child(env, "seen", **race_keys)
    return {
        "cache": costs["cache"],
        "costs": {k: v for k, v in costs.items() if k != "cache"},
        "sequential": {"k": k, "A": a, "B": b},
        "race": {"each": args.race, "expected": 2 * args.race, "processes": racers, "counted": after},
    }


def print_table(runs: dict[str, dict[str, Any]], n: int, fill: int) -> None:
    names = {
        "portal_check": "portal check (lookup_blocked)",
        "portal_failure": "portal failure (lookup_failed)",
        "portal_failure_filled": f"portal failure, {fill:,} counters in cache",
        "login_check": "login check (axes backend)",
        "login_failure": "login failure (axes receiver)",
    }
    print()
    print(f"throttle cost, µs per call (n={n:,}, one process, keys of its own each call)")
    print(f"{'database + cache':28} {'call':40} {'median':>8} {'p95':>8}")
    for label, r in runs.items():
        for key, figures in r["costs"].items():
            print(f"{label:28} {names.get(key, key):40} {figures['median_us']:8.1f} {figures['p95_us']:8.1f}")
    print()
    print("across processes: A made 5 failures of each, then B (another process) looked")
    print(f"{'database + cache':28} {'B saw: number / IP / login':>28} {'B lookup':>9} {'B login':>8}")
    for label, r in runs.items():
        b = r["sequential"]["B"]
        saw = f"{b['portal_number_count']} / {b['portal_ip_count']} / {b['login_failures']}"
        print(f"{label:28} {saw:>28} {b['portal_status']:>9} {b['login_status']:>8}")
    print()
    print("A and B at once on the same keys: failures counted of those made")
    print(f"{'database + cache':28} {'made':>6} {'portal (number)':>16} {'portal (IP)':>12} {'login':>6}")
    for label, r in runs.items():
        c = r["race"]["counted"]
        made = r["race"]["expected"]
        print(
            f"{label:28} {made:>6} {c['portal_number_count']:>16} {c['portal_ip_count']:>12} {c['login_failures']:>6}"
        )
    print("results: bench/results/throttle.json")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default="db,redis", help="caches to measure, of db and redis (default: both)")
    ap.add_argument("--n", type=int, default=1000, help="timed calls of each kind")
    ap.add_argument("--race", type=int, default=100, help="failures each of the two processes makes at once")
    ap.add_argument("--fill", type=int, default=20000, help="counters in the cache for the second failure figure")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return 0
    url = os.environ.get("DATABASE_URL", "")
    VAR.mkdir(parents=True, exist_ok=True)
    if not url:
        db_file = VAR / "throttle.sqlite3"
        for f in VAR.glob("throttle.sqlite3*"):
            f.unlink()
        url = f"sqlite:///{db_file}"
    caches = [c.strip() for c in args.cache.split(",") if c.strip()]
    log(f"migrating {url.split('@')[-1]} …")
    db = run_child(child_env(url, None), "prepare")
    runs: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    redis_proc = None
    try:
        for cache in caches:
            redis_url = None
            if cache == "redis":
                redis_proc, redis_url, note = start_redis()
                notes.append(note)
                if redis_url is None:
                    continue
            label = f"{db['database']} + {'Redis' if cache == 'redis' else 'database cache'}"
            log(f"{label} …")
            runs[label] = measure_one(child_env(url, redis_url), args)
            runs[label]["database_version"] = db["database_version"]
            runs[label]["note"] = notes[-1] if cache == "redis" else "table xinfang_cache"
    finally:
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
    for note in notes:
        print(note)
    print_table(runs, args.n, args.fill)
    out = ROOT / "bench" / "results" / "throttle.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    kept = json.loads(out.read_text(encoding="utf-8")).get("runs", {}) if out.exists() else {}
    env = {
        "n": args.n,
        "race": args.race,
        "fill": args.fill,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    for r in runs.values():
        r["env"] = env
    kept.update(runs)
    out.write_text(json.dumps({"runs": kept}, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
