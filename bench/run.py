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
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import stats_cases  # the 统计分析 cases (bench/stats_cases.py)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
BENCH_KEY = "YmVuY2gta2V5LWZvci14aW5mYW5nLWJlbmNobWFya3M="  # 32 bytes, benchmarks only
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


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100
    f = int(k)
    return s[f] if f + 1 >= len(s) else s[f] + (s[f + 1] - s[f]) * (k - f)


# ---------------------------------------------------------------- database


def production_settings() -> str:
    """postgresql.conf lines for the benchmark's own cluster: docs/postgresql.md's "Memory and planner"
    block, as documented for production, with durable commits (the test clusters run with fsync off)."""
    doc = (ROOT / "docs" / "postgresql.md").read_text(encoding="utf-8")
    section = doc.split("## Memory and planner", 1)[1]
    block = section.split("```", 2)[1]
    lines = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    durable = ["fsync = on", "synchronous_commit = on", "full_page_writes = on"]
    return "\n".join([*(line for line in lines if "=" in line), *durable])


class Database:
    def __init__(self, args: argparse.Namespace) -> None:
        self.pg_dir: str | None = None
        self.var = ROOT / "var" / "bench"
        url = os.environ.get("DATABASE_URL", "")
        if not url and args.large:
            self.pg_dir = tempfile.mkdtemp(prefix="xinfang-bench-pg.")
            conf = production_settings()
            log(f"starting a throwaway PostgreSQL cluster in {self.pg_dir} with: {'; '.join(conf.splitlines())}")
            url = subprocess.run(
                [str(ROOT / "scripts" / "pg-throwaway.sh"), "start", self.pg_dir],
                check=True,
                capture_output=True,
                text=True,
                env=dict(os.environ, PG_CONF=conf),
            ).stdout.strip()
        if not url:
            if self.var.exists():
                shutil.rmtree(self.var)
            self.var.mkdir(parents=True)
            url = f"sqlite:///{self.var / 'bench.sqlite3'}"
        self.var.mkdir(parents=True, exist_ok=True)
        (self.var / "staticfiles").mkdir(exist_ok=True)  # WhiteNoise warns on every request without it
        self.url = url

    def stop(self, keep: bool) -> None:
        if self.pg_dir:
            env = dict(os.environ, KEEP="1" if keep else "0")
            subprocess.run([str(ROOT / "scripts" / "pg-throwaway.sh"), "stop", self.pg_dir], env=env, check=False)


def configure(db: Database) -> dict[str, str]:
    env = {
        "DATABASE_URL": db.url,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "XINFANG_VAR_DIR": str(db.var),
        "XINFANG_FIELD_KEY": BENCH_KEY,
        "XINFANG_API_RATE": "100000000/min",
        "XINFANG_LOG_LEVEL": "ERROR",
        "DB_CONN_MAX_AGE": "60",
    }
    os.environ.update(env)
    return env


# ---------------------------------------------------------------- setup and in-process measurements


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


# ---------------------------------------------------------------- where the CPU goes
#
# On a machine of few cores a rate is bounded by the CPU each unit of work takes, whoever spends it: the
# app processes, the database server, the load generator. Read from /proc (Linux; elsewhere the figures
# are left out). The database's share is that of every `postgres` process of the machine: measure on an
# otherwise idle machine. SQLite works inside the app process, so there it is part of the app's share.


def _proc_cpu(pid: int | str, *, children: bool = False) -> float:
    """CPU seconds of a process (user + system; with `children`, also of its children it has reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state is fields[0], utime fields[11]
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> float | None:
    """CPU seconds of the machine's PostgreSQL processes, ended backends included (reaped by the
    postmaster); None without /proc or without a local server."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    total, found = 0.0, False
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if comm == "postgres":
            found = True
            total += _proc_cpu(entry.name, children=True)
    return total if found else None


def own_cpu() -> float:
    """CPU seconds of this process and of the child processes it has waited for (the generator's writers)."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class CpuMeter:
    """CPU spent between `start()` and `stop(n)`, in ms per unit of work: by the app (the gunicorn workers,
    or this process for in-process work), the database server and (HTTP) this process as the client."""

    def __init__(self, server: Server | None = None) -> None:
        self.server = server

    def _read(self) -> dict[str, float | None]:
        db = postgres_cpu()
        mine = own_cpu()
        if self.server is None:
            return {"app": mine, "db": db}
        return {"app": sum(_proc_cpu(pid) for pid in self.server.worker_pids()), "db": db, "client": mine}

    def start(self) -> None:
        self.begin = self._read()

    def stop(self, units: int, prefix: str) -> dict[str, float]:
        end, out = self._read(), {}
        for part, before in self.begin.items():
            after = end[part]
            if before is not None and after is not None and units:
                out[f"{prefix}_{part}"] = round((after - before) * 1000 / units, 2)
        if out:
            total = sum(out.values())
            out[f"{prefix}_total"] = round(total, 2)
            # The most units per second all the machine's cores could do at that CPU cost.
            out[f"{prefix.replace('_cpu_ms', '')}_cpu_bound_per_s"] = round((os.cpu_count() or 1) * 1000 / total, 1)
        return out


# ---------------------------------------------------------------- HTTP against gunicorn


class Server:
    def __init__(self, env: dict[str, str], workers: int = 2, threads: int = 1, root: Path = ROOT) -> None:
        self.root = root  # the checkout whose code it serves (bench/ab.py runs two)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi:application",
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=root,
            env=dict(os.environ, **env),
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _h, _b = self.request("GET", "/accounts/login/")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(x) for x in out.stdout.split()]

    def peak_rss_mb(self) -> float:
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            m = re.search(r"VmHWM:\s+(\d+) kB", status)
            if m:
                peaks.append(int(m.group(1)) / 1024)
        return round(max(peaks), 1) if peaks else float("nan")

    def stop(self) -> None:
        import signal

        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


def session_cookie(user: Any) -> str:
    from django.test import Client

    c = Client()
    c.force_login(user)
    return f"sessionid={c.cookies['sessionid'].value}"


def csrf_from(server: Server, path: str, cookie: str = "") -> tuple[str, str]:
    status, headers, body = server.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    cm = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
    if not m or not cm:
        raise RuntimeError(f"no CSRF token on {path} ({status})")
    return m.group(1).decode(), cm.group(1)


class Intake:
    """Registers one petition per call: REST API when installed, else the staff registration page."""

    def __init__(self, server: Server, s: Setup) -> None:
        from django.conf import settings

        self.server, self.s = server, s
        self.api = "xinfang.api" in settings.INSTALLED_APPS
        self.counter = 0
        self.lock = threading.Lock()
        if self.api:
            from xinfang.accounts.models import Role
            from xinfang.api.services import api_token_create

            self.token = api_token_create(name=f"bench-{int(time.time())}", unit=s.office, roles=[Role.CLERK]).raw
            self.via = "REST API POST /api/v1/petitions/ (token)"
        else:
            self.cookie = session_cookie(s.dispatcher)
            self.via = "staff registration page POST /staff/petitions/register/ (session + CSRF)"

    def _person(self) -> dict[str, str]:
        import random

        from xinfang.demo import fake

        with self.lock:
            self.counter += 1
            rng = random.Random(self.counter)
        person = fake.make_person(rng, area_code=self.s.county.code, address="")
        return {"name": person.name, "id_number": person.id_number, "phone": person.phone}

    def one(self) -> int:
        person = self._person()
        content = "建设街与人民路交叉口的窨井盖破损，老人小孩夜间经过很危险，请尽快修复。（压测）"
        if self.api:
            body = json.dumps(
                {
                    "channel": "call",
                    "content": content,
                    "title": "窨井盖破损（压测）",
                    "petitioner": person,
                    "area_code": self.s.county.code,
                    "category_code": "602015",
                    "purpose": "601003",
                },
                ensure_ascii=False,
            ).encode()
            status, _h, _b = self.server.request(
                "POST",
                "/api/v1/petitions/",
                body,
                {"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
            )
            return status
        token, csrf = csrf_from(self.server, "/staff/petitions/register/", self.cookie)
        form = {
            "csrfmiddlewaretoken": token,
            "channel": "call",
            "received_at": time.strftime("%Y-%m-%dT%H:%M"),
            "name": person["name"],
            "id_number": person["id_number"],
            "phone": person["phone"],
            "headcount": "1",
            "area": self.s.county.code,
            "title": "窨井盖破损（压测）",
            "content": content,
            "purpose": "601003",
        }
        status, _h, _b = self.server.request(
            "POST",
            "/staff/petitions/register/",
            urllib.parse.urlencode(form).encode(),
            {"Cookie": f"{self.cookie}; csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"},
        )
        return status


def timed(fn: Any, n: int, ok: tuple[int, ...] = (200, 201, 302)) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        status = fn()
        out.append((time.perf_counter() - t) * 1000)
        if status not in ok:
            raise RuntimeError(f"unexpected HTTP {status}")
    return out


def concurrent(fn: Any, clients: int, seconds: float, max_requests: int) -> tuple[float, int, int]:
    done, errors = [0], [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        while time.monotonic() < stop_at:
            with lock:
                if done[0] + errors[0] >= max_requests:
                    return
            status = fn()
            with lock:
                if status in (200, 201, 302):
                    done[0] += 1
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    return done[0] / elapsed, done[0], errors[0]


def http_rounds(
    server: Server, s: Setup, args: argparse.Namespace, codes_file: Path
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The HTTP measurements `args.rounds` times over: each figure is the median of the rounds (the peak
    memory their maximum), so one slow minute of a shared machine does not make the figure. The second
    value holds every round's figure."""
    rounds = []
    for i in range(args.rounds):
        if args.rounds > 1:
            log(f"HTTP measurements, round {i + 1} of {args.rounds} …")
        rounds.append(http_measurements(server, s, args, codes_file))
    out: dict[str, Any] = {}
    per_round: dict[str, list[Any]] = {}
    for key in rounds[0]:
        values = [r.get(key) for r in rounds]
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            per_round[key] = values
            out[key] = max(values) if key == "rss_mb" else round(statistics.median(values), 2)
        else:
            out[key] = values[0]
    return out, per_round


def http_measurements(server: Server, s: Setup, args: argparse.Namespace, codes_file: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    intake = Intake(server, s)
    out["intake_via"] = intake.via
    timed(intake.one, 5)  # warm both workers
    samples = timed(intake.one, args.intake_n)
    out["intake_single_ms_median"] = round(statistics.median(samples), 2)
    out["intake_single_ms_p95"] = round(percentile(samples, 95), 2)
    meter = CpuMeter(server)
    meter.start()
    rate, ok, errors = concurrent(intake.one, 8, args.concurrent_seconds, args.concurrent_max)
    out["intake_concurrent_per_s"] = round(rate, 1)
    out["intake_concurrent_requests"] = ok
    out["intake_concurrent_errors"] = errors
    out.update(meter.stop(ok + errors, "intake_cpu_ms"))

    cookie = session_cookie(s.dispatcher)
    list_path = f"/staff/petitions/?status={s.list_status}&area={s.county.code}"

    def get(path: str) -> Any:
        return lambda: server.request("GET", path, headers={"Cookie": cookie})[0]

    timed(get(list_path), 5)
    samples = []
    for page in range(args.list_n):
        samples += timed(get(f"{list_path}&page={1 + page % 4}"), 1)
    out["list_p50_ms"] = round(statistics.median(samples), 2)
    out["list_p95_ms"] = round(percentile(samples, 95), 2)
    samples = timed(get("/staff/?inbox=to_dispatch"), args.list_n)
    out["workbench_p95_ms"] = round(percentile(samples, 95), 2)
    samples = timed(get(f"/staff/petitions/{s.detail.pk}/"), max(20, args.list_n // 2))
    out["detail_p95_ms"] = round(percentile(samples, 95), 2)

    codes = json.loads(codes_file.read_text(encoding="utf-8")) if codes_file.exists() else []
    if codes:
        status, _h, _b = server.request("GET", "/portal/lookup/")
        if status == 200:
            samples = []
            for i in range(min(args.portal_n, 10 * len(codes))):
                entry = codes[i % len(codes)]
                token, csrf = csrf_from(server, "/portal/lookup/")
                body = urllib.parse.urlencode(
                    {"csrfmiddlewaretoken": token, "number": entry["number"], "code": entry["code"]}
                ).encode()
                t = time.perf_counter()
                st, _h, _b = server.request(
                    "POST",
                    "/portal/lookup/",
                    body,
                    {"Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"},
                )
                samples.append((time.perf_counter() - t) * 1000)
                if st != 302:
                    raise RuntimeError(f"portal lookup answered {st} for {entry['number']}")
            out["portal_lookup_ms_median"] = round(statistics.median(samples), 2)
            out["portal_lookup_ms_p95"] = round(percentile(samples, 95), 2)
        else:
            out["portal_lookup_ms_median"] = None
            out["portal_lookup_note"] = f"/portal/lookup/ answered {status}: not measured"
    out.update(stats_cases.http(server, s, max(20, args.list_n // 2)))
    out["rss_mb"] = server.peak_rss_mb()
    return out


# ---------------------------------------------------------------- main


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
        from django import get_version

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
        results = {"metrics": metrics, "env": env_info}
        out_dir = ROOT / "bench" / "results"
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
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


if __name__ == "__main__":
    sys.exit(main())
