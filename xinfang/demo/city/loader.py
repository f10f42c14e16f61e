"""Load the demo: the 周口 organisation, demo logins, routing rules and ~300 cases in every state.

Every petition write goes through `xinfang.petitions.services`, so each case has a consistent
timeline, audit trail and deadlines. Each step runs at its own moment in the past (the plan gives
it: `CaseSpec.times`), the clock set there with time-machine, so the services stamp the day the step
happened on its event, its deadlines and its audit record, and a case received weeks ago counts its
limits from that day. The steps of all cases run in the order of their moments, so the audit chain
runs forward in time too. The deadline sweep then sets today's 即将到期 / 已超期. The load is
idempotent: the organisation, users and rules are upserts, and the cases are loaded in one
transaction and skipped when the seed case already exists.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xinfang.demo.screening_seed import load_screening
from xinfang.petitions import services
from xinfang.petitions.deadlines.sweep import deadlines_sweep
from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import Status
from xinfang.statistics.services import snapshot_month

from .org import DemoOrg, build_org
from .plan import SEED_TITLE, build_plan

if TYPE_CHECKING:
    pass

from .runner import Loaded, Runner
from .staff import Staff, load_routing, load_users

SEED_OFFICE = "FG-XFJ"
SHOWCASE_REPLIED = 3


def codes_path() -> Path:
    return Path(settings.VAR_DIR) / "demo_codes.json"


def seed_petition() -> Petition | None:
    return Petition.objects.filter(office_unit__code=SEED_OFFICE, title=SEED_TITLE).first()


def is_loaded() -> bool:
    return seed_petition() is not None


@dataclass
class Result:
    loaded: bool  # False: the cases were already there
    petitions: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    seed: Loaded | None = None
    showcase: list[Loaded] = field(default_factory=list)
    codes_file: Path | None = None


def load_cases(org: DemoOrg, staff: Staff, *, now: dt.datetime | None = None) -> list[Loaded]:
    return Runner(org, staff).run_all(build_plan(now or timezone.now()))


def write_codes(path: Path, seed: Loaded | None, showcase: list[Loaded]) -> None:
    def entry(item: Loaded) -> dict[str, str]:
        p = item.petition
        return {
            "number": p.number,
            "query_code": services.format_query_code(item.query_code),
            "title": p.title,
            "status": str(Status(p.status).label),
        }

    data = {
        "note": "演示数据的查询码（明文只在此文件；数据库中只存哈希）。门户：/portal/lookup/",
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "seed": entry(seed) if seed else None,
        "replied": [entry(item) for item in showcase],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def reissue_codes(staff: Staff) -> tuple[Loaded | None, list[Loaded]]:
    """The cases are loaded but this machine has no codes file: issue fresh 查询码 (old ones stop working)."""
    seed = seed_petition()
    clerk = staff.clerk[SEED_OFFICE]
    out_seed = None
    if seed is not None:
        code = services.petition_reissue_query_code(actor=clerk, petition_id=seed.pk)
        out_seed = Loaded(Petition.objects.get(pk=seed.pk), code, None)  # type: ignore[arg-type]
    replied = []
    for p in Petition.objects.filter(office_unit__code=SEED_OFFICE, status=Status.REPLIED).order_by("number")[
        :SHOWCASE_REPLIED
    ]:
        code = services.petition_reissue_query_code(actor=clerk, petition_id=p.pk)
        replied.append(Loaded(Petition.objects.get(pk=p.pk), code, None))  # type: ignore[arg-type]
    return out_seed, replied


def load_demo(*, codes_file: Path | None = None, now: dt.datetime | None = None, log: Any = None) -> Result:
    say = log or (lambda msg: None)
    codes_file = codes_file or codes_path()
    with transaction.atomic():
        org = build_org()
        staff = load_users(org)
        rules = load_routing(org)
    say(f"机构：{len(org.areas)} 个区划、{len(org.units)} 个单位；账号 {len(staff.users)} 个；新增分办规则 {rules} 条")

    result = Result(loaded=False, codes_file=codes_file)
    if is_loaded():
        say("演示信访事项已存在，跳过（如需重建，请删除数据库后重新 migrate）")
        if not load_screening(now=now, log=say).skipped:
            deadlines_sweep(now=now)
        if not codes_file.exists():
            with transaction.atomic():
                seed, showcase = reissue_codes(staff)
            write_codes(codes_file, seed, showcase)
            say(f"本机没有查询码文件，已为示例事项重新生成查询码：{codes_file}")
    else:
        with transaction.atomic():
            loaded = load_cases(org, staff, now=now)
        # 郸城县 四大攻坚 (disputes, 接访日 with their 领导接访 petitions, 下访): before the sweep.
        load_screening(now=now, log=say)
        # The steps set the deadlines as of their own day; today some of them are 即将到期 or 已超期.
        sweep = deadlines_sweep(now=now)
        result.loaded = True
        result.seed = next(item for item in loaded if item.spec.seed)
        replied = [item for item in loaded if item.petition.status == Status.REPLIED]
        replied.sort(key=lambda item: (item.petition.office_unit.code != SEED_OFFICE, item.petition.number))
        result.showcase = replied[:SHOWCASE_REPLIED]
        write_codes(codes_file, result.seed, result.showcase)
        say(f"已生成 {len(loaded)} 件信访事项；查询码已写入 {codes_file}")
        say(f"期限状态已更新：即将到期 {sweep['soon']} 项，已超期 {sweep['overdue']} 项")
    # The monthly freeze the scheduler runs on the 1st (statistics.tasks): last month's published
    # figures (通报) exist from the start; an area already frozen is left as it is.
    frozen = snapshot_month()
    if frozen["taken"]:
        say(f"已冻结上月统计数据：{frozen['taken']} 个区划")
    result.petitions = Petition.objects.count()
    result.by_status = dict(Counter(Petition.objects.values_list("status", flat=True)))
    return result
