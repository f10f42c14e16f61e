"""The benchmark's database: SQLite under var/bench/, DATABASE_URL, or a throwaway PostgreSQL cluster
(scripts/pg-throwaway.sh) with the documented production settings; and the environment the app runs under."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile

from common import BENCH_KEY, ROOT, log


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
