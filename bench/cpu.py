"""Where the CPU goes, read from /proc (Linux; elsewhere the figures are left out).

On a machine of few cores a rate is bounded by the CPU each unit of work takes, whoever spends it: the
app processes, the database server, the load generator. The database's share is that of every `postgres`
process of the machine: measure on an otherwise idle machine. SQLite works inside the app process, so
there it is part of the app's share.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol


class HasWorkers(Protocol):
    """What the meter needs of a server (http_bench.Server): its worker processes."""

    def worker_pids(self) -> Iterable[int]: ...


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

    def __init__(self, server: HasWorkers | None = None) -> None:
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
