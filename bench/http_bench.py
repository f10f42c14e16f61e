"""Real HTTP against gunicorn on 127.0.0.1: the server, the client helpers, registration (`Intake`) and
the HTTP measurements, repeated in rounds. Request loops are bounded in count and time."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import stats_cases  # the 统计分析 cases (bench/stats_cases.py)
from common import ROOT, VENV_BIN, log, percentile
from cpu import CpuMeter
from inprocess import Setup


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
