"""`manage.py generate_petitions --count N [--seed S]`: realistic petitions for benchmarks and demos."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from xinfang.demo.volume import deferred_indexes
from xinfang.demo.volume.generator import Generator
from xinfang.demo.volume.province import build_province, load_counties
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.management.progress import Progress
from xinfang.petitions.models import Event, Petition, Representative

# Below this many cases, building every index again costs more than keeping them (docs/performance.md).
DEFER_INDEXES_FROM = 50_000


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Command(BaseCommand):
    help = (
        "生成仿真信访事项（按人口分布的属地、真实比例的信访形式、各办理状态及其办理过程和期限）。"
        "没有机构数据时先建立一个省级机构（17个市、约150个县区）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="生成的件数")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--days", type=int, default=730, help="收到日期分布在最近多少天内（默认730）")
        parser.add_argument("--batch-size", type=int, default=2000, help="每批写入件数（每批一条审计记录）")
        parser.add_argument("--build-org", action="store_true", help="即使已有机构也建立（补全）省级机构")
        parser.add_argument(
            "--codes-file", type=Path, default=None, help="把前100件的编号和查询码写入此JSON文件（供压测查询使用）"
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="并行写入进程数（仅 PostgreSQL；默认为CPU数，SQLite 始终为1）",
        )
        parser.add_argument(
            "--indexes",
            choices=["auto", "keep", "rebuild"],
            default="auto",
            help=(
                "rebuild：载入前删除信访事项、办理过程、期限、代表各表的次要索引，载入后重建（仅 PostgreSQL，"
                "载入期间这些表的查询会变慢）；keep：保留索引逐行维护；auto（默认）：在 PostgreSQL 上生成不少于"
                f"{DEFER_INDEXES_FROM:,}件且不少于已有件数时 rebuild"
            ),
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        count = opts["count"]
        if count < 1:
            raise CommandError("--count 必须大于0")
        started = time.monotonic()
        if opts["build_org"] or not load_counties():
            self.stderr.write("建立省级机构（区划、单位）……")
            build_province(log=lambda m: self.stderr.write(m))
            self.stderr.write(f"机构就绪（{time.monotonic() - started:.1f} 秒）")
        gen = Generator(seed=opts["seed"], days=opts["days"])
        if opts["workers"] is not None and opts["workers"] < 1:
            raise CommandError("--workers 必须大于0")
        workers = opts["workers"] or _cpus()
        if connection.vendor != "postgresql" or count <= opts["batch_size"]:
            workers = 1  # SQLite has one writer at a time; one batch needs no pool
        self.stderr.write(f"{len(gen.counties)} 个县区信访部门；生成 {count} 件（{workers} 个写入进程）……")
        progress = Progress(total=count, stream=sys.stderr, enabled=not opts["no_progress"], label="生成")
        t0 = time.monotonic()
        try:
            with deferred_indexes.deferred(
                [Petition, Event, Deadline, Representative] if self._rebuild(opts["indexes"], count) else [],
                log=lambda m: self.stderr.write(m),
            ):
                codes = gen.run(count, batch_size=opts["batch_size"], progress=progress.advance, workers=workers)
                progress.close()
        except deferred_indexes.RestoreError as exc:
            raise CommandError(
                f"信访事项已写入，但有 {len(exc.failures)} 项索引或外键约束未能重建：{exc}。"
                "改正后运行 python manage.py restore_indexes。"
            ) from exc
        elapsed = time.monotonic() - t0
        rate = count / elapsed if elapsed else 0.0
        path = opts["codes_file"]
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                json.dumps([{"number": n, "code": c} for n, c in codes], ensure_ascii=False, indent=1), encoding="utf-8"
            )
        db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(
            self.style.SUCCESS(f"已生成 {count} 件信访事项，用时 {elapsed:.1f} 秒，{rate:,.0f} 件/秒（{db}）。")
        )

    @staticmethod
    def _rebuild(choice: str, count: int) -> bool:
        if connection.vendor != "postgresql" or choice == "keep":
            return False
        if choice == "rebuild":
            return True
        return count >= DEFER_INDEXES_FROM and count >= Petition.objects.count()
