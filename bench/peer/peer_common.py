"""What both sides of bench/peer/peer.py share: the paths, the text the creates post, the environment of a child
process and `measure` (warm, count the statements, time). Standard library only at import time: the orchestrator
runs under a plain python3, the children under their own virtualenvs."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PEER_PROJECT = HERE / "helpdesk_project"
PEER_PYTHON = HERE / ".venv-helpdesk" / "bin" / "python"
XINFANG_PYTHON = ROOT / ".venv" / "bin" / "python"
WARM = 3

CONTENT = "建设街与人民路交叉口的窨井盖破损，老人小孩夜间经过很危险，请尽快修复。（压测）"
TITLE = "窨井盖破损（压测）"


def system_env(system: str, url: str) -> tuple[list[str], Path, dict[str, str]]:
    """The interpreter, working directory and environment of a child process of `system` on the database `url`."""
    env = dict(os.environ, DATABASE_URL=url, DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "600"))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if system.startswith("peer"):
        env.update(PYTHONPATH=str(PEER_PROJECT), DJANGO_SETTINGS_MODULE="hdproject.settings")
        return [str(PEER_PYTHON)], PEER_PROJECT, env
    env.update(PYTHONPATH=str(ROOT))
    return [str(XINFANG_PYTHON)], ROOT, env


def measure(connection: Any, fns: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    from django.test.utils import CaptureQueriesContext

    out: dict[str, Any] = {"ms": {}, "p95_ms": {}, "app_cpu_ms": {}, "queries": {}}
    for name, fn in fns.items():
        for _ in range(WARM):
            fn()
        with CaptureQueriesContext(connection) as q:
            status = fn()
        assert status in (200, 201), (name, status)
        out["queries"][name] = len(q)
        times, cpu = [], time.process_time()
        for _ in range(counts[name]):
            t = time.perf_counter()
            status = fn()
            times.append((time.perf_counter() - t) * 1000)
            assert status in (200, 201), (name, status)
        out["ms"][name] = statistics.median(times)
        out["p95_ms"][name] = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
        out["app_cpu_ms"][name] = (time.process_time() - cpu) * 1000 / counts[name]  # this process only
    return out
