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
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import time_machine
from django.conf import settings
from django.contrib.auth.hashers import BasePasswordHasher, make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from xinfang.accounts.models import Role, Unit, User
from xinfang.accounts.services import user_create
from xinfang.core.timeutil import local_date
from xinfang.demo.screening_seed import load_screening
from xinfang.petitions import services
from xinfang.petitions.deadlines.sweep import deadlines_sweep
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.workflow import Status
from xinfang.routing.models import RoutingRule

from . import texts
from .logins import PASSWORD, all_logins
from .org import CITY_CODE, COUNTIES, DemoOrg, build_org
from .plan import SEED, SEED_TITLE, CaseSpec, build_plan

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

SEED_OFFICE = "FG-XFJ"
SEED_NOTE = "已更换井盖（防坠落球墨铸铁井盖，加装防坠网），现场已恢复通行"
SHOWCASE_REPLIED = 3


def codes_path() -> Path:
    return Path(settings.VAR_DIR) / "demo_codes.json"


def seed_petition() -> Petition | None:
    return Petition.objects.filter(office_unit__code=SEED_OFFICE, title=SEED_TITLE).first()


def is_loaded() -> bool:
    return seed_petition() is not None


# ------------------------------------------------------------------------------------------------ users


class _SharedHashHasher(BasePasswordHasher):
    """Hands out one precomputed hash of the (public) demo password, so ~20 accounts cost one hash.

    The stored value is an ordinary hash made by the site's default hasher, so logins verify it with
    the normal hashers; only the loader's `user_create` calls see this class.
    """

    algorithm = "xinfang_demo_shared"
    encoded = ""

    def salt(self) -> str:
        return ""

    def encode(self, password: str, salt: str) -> str:
        if password != PASSWORD or not self.encoded:
            raise ValueError("only the demo password is supported")
        return self.encoded

    def verify(self, password: str, encoded: str) -> bool:  # pragma: no cover - never the stored algorithm
        return False

    def safe_summary(self, encoded: str) -> dict[_StrOrPromise, Any]:  # pragma: no cover
        return {}


@dataclass
class Staff:
    users: dict[str, User] = field(default_factory=dict)
    clerk: dict[str, User] = field(default_factory=dict)  # unit code → user
    dispatcher: dict[str, User] = field(default_factory=dict)
    handler: dict[str, User] = field(default_factory=dict)
    head: dict[str, User] = field(default_factory=dict)


def load_users(org: DemoOrg) -> Staff:
    staff = Staff()
    _SharedHashHasher.encoded = make_password(PASSWORD)
    hashers = [f"{__name__}._SharedHashHasher", *settings.PASSWORD_HASHERS]
    by_role: dict[str, dict[str, User]] = {
        Role.CLERK: staff.clerk,
        Role.DISPATCHER: staff.dispatcher,
        Role.HANDLER: staff.handler,
        Role.HEAD: staff.head,
    }
    with override_settings(PASSWORD_HASHERS=hashers):
        for login in all_logins():
            user = None
            for unit_code, roles in login.posts:
                user = user_create(
                    username=login.username,
                    password=PASSWORD,
                    full_name=login.full_name,
                    unit=org.unit(unit_code),
                    roles=list(roles),
                )
                for role in roles:
                    by_role.get(role, {}).setdefault(unit_code, user)
            assert user is not None
            if login.staff and not (user.is_staff and user.is_superuser):
                # No accounts service sets Django-admin access; this flag is the only direct write.
                User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
            staff.users[login.username] = user
    return staff


# ------------------------------------------------------------------------------------------------ routing

COUNTY_RULES = (
    ("602015", "ZJJ", 0, "住房、物业、房地产等城乡建设事项"),
    ("602006", "RSJ", 0, "劳动保障、社会保险"),
    ("602005", "GAJ", 0, "治安、刑事案件"),
    ("602004", "JW", 0, "检举控告党员干部、公职人员（不得转被检举单位）"),
    ("602007", "JYJ", 0, "教育"),
    ("602014", "ZRZY", 0, "土地、宅基地、矿产"),
    ("602008", "WJW", 0, "医疗卫生"),
    ("602017", "SCJG", 0, "消费维权、食品安全"),
)


def load_routing(org: DemoOrg) -> int:
    categories = {c.code: c for c in Category.objects.filter(parent__isnull=True)}
    wanted: list[tuple[str, str, str, int, str]] = []  # category, area code, unit code, priority, note
    for county in COUNTIES:
        for category, key, priority, note in COUNTY_RULES:
            wanted.append((category, county.code, f"{county.prefix}-{key}", priority, note))
        wanted.append(("602015", county.urban.code, f"{county.prefix}-SZS", 10, "城区道路、井盖、路灯、排水等市政设施"))
    wanted.append(("602011", CITY_CODE, "ZK-STHJ", 0, "生态环境（县区为市生态环境局分局）"))
    created = 0
    for category, area, unit, priority, note in wanted:
        if category not in categories:
            continue
        _rule, made = RoutingRule.objects.get_or_create(
            category=categories[category],
            area=org.area(area),
            unit=org.unit(unit),
            defaults={"priority": priority, "note": note},
        )
        created += made
    return created


# ------------------------------------------------------------------------------------------------ cases


@dataclass
class Loaded:
    petition: Petition
    query_code: str
    spec: CaseSpec


@dataclass
class CaseState:
    """Where one case stands between its steps (the steps of all cases are interleaved)."""

    pk: int = 0
    code: str = ""
    dispatches: int = 0
    current: Unit | None = None  # the handling unit, tracked here rather than re-read
    review: Unit | None = None
    mode: str = ""


class Runner:
    """Walks the `CaseSpec`s through their steps, each step at its moment and with the right account."""

    def __init__(self, org: DemoOrg, staff: Staff) -> None:
        self.org = org
        self.staff = staff
        self.categories = {c.code: c for c in Category.objects.filter(parent__isnull=True)}
        self.rng = random.Random(SEED + 2)
        self.by_key: dict[int, Petition] = {}
        self.units_by_id = {u.pk: u for u in org.units.values()}
        self.c = CaseState()

    # -- helpers

    def _petition(self, pk: int) -> Petition:
        return Petition.objects.select_related("current_unit", "review_unit", "office_unit").get(pk=pk)

    def _unit_staff(self, role: str, unit: Unit | None) -> User:
        table = self.staff.handler if role == "handler" else self.staff.head
        if unit is None or unit.code not in table:
            raise RuntimeError(f"演示数据缺少 {unit} 的{role}账号")
        return table[unit.code]

    def _parent(self, unit: Unit | None) -> Unit | None:
        return self.units_by_id.get(unit.parent_id) if unit is not None and unit.parent_id else None

    def _office(self, spec: CaseSpec) -> Unit:
        return self.org.unit(spec.office)

    def _clerk(self, spec: CaseSpec) -> User:
        return self.staff.clerk[spec.office]

    def _dispatcher(self, spec: CaseSpec) -> User:
        return self.staff.dispatcher[spec.office]

    # -- the run

    def run_all(self, specs: list[CaseSpec]) -> list[Loaded]:
        """Every step of every case in the order of their moments, each with the clock set to its moment."""
        states = {spec.key: CaseState() for spec in specs}
        order = sorted((at, n, i) for n, spec in enumerate(specs) for i, at in enumerate(spec.times))
        for at, n, i in order:
            spec = specs[n]
            self.c = states[spec.key]
            step = spec.steps[i]
            with time_machine.travel(at, tick=False):
                if step in ("register", "submit"):
                    petition, self.c.code = getattr(self, f"step_{step}")(spec)
                    self.c.pk = petition.pk
                    self.by_key[spec.key] = petition
                else:
                    getattr(self, f"step_{step}")(spec, self.c.pk)
        return [Loaded(self._petition(states[spec.key].pk), states[spec.key].code, spec) for spec in specs]

    def step_take_on(self, spec: CaseSpec, pk: int) -> None:
        services.petition_take_on(
            actor=self.staff.users["lingdao"], petition_id=pk, note="群众反映强烈，本人包案，限期化解"
        )

    def _intake_kwargs(self, spec: CaseSpec) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "content": spec.content,
            "title": spec.title,
            "category": self.categories.get(spec.category),
            "purpose": spec.purpose,
            "headcount": spec.headcount,
            "confidential": spec.confidential,
            "accused_person": spec.accused_person,
            "accused_unit": self.org.unit(spec.accused_unit) if spec.accused_unit else None,
            "area": self.org.area(spec.area),
        }
        return kwargs

    def step_register(self, spec: CaseSpec) -> tuple[Petition, str]:
        repeat_of = self.by_key.get(spec.repeat_of) if spec.repeat_of is not None else None
        reg = services.petition_register(
            actor=self._clerk(spec),
            channel=spec.channel,
            received_at=spec.received_at,
            petitioner=spec.person.as_petitioner(with_id=spec.with_id, with_phone=spec.with_phone),
            office=self._office(spec),
            representatives=[p.as_petitioner() for p in spec.representatives],
            repeat_of=repeat_of,
            is_repeat=repeat_of is not None,
            is_skip_level=spec.skip_level,
            **self._intake_kwargs(spec),
        )
        return reg.petition, reg.query_code

    def step_submit(self, spec: CaseSpec) -> tuple[Petition, str]:
        kwargs = self._intake_kwargs(spec)
        area = kwargs.pop("area")
        reg = services.petition_submit_online(
            petitioner=spec.person.as_petitioner(with_id=spec.with_id, with_phone=True),
            area=area,
            ip="127.0.0.1",
            **kwargs,
        )
        spec.office = reg.petition.office_unit.code
        return reg.petition, reg.query_code

    def step_register_submitted(self, spec: CaseSpec, pk: int) -> None:
        services.petition_register_submitted(
            actor=self._clerk(spec), petition_id=pk, note="网上信访，信息完整，予以登记"
        )

    def step_dispatch(self, spec: CaseSpec, pk: int) -> None:
        wrong = self.c.dispatches == 0 and "object" in spec.steps
        self.c.dispatches += 1
        unit = self.org.unit(spec.wrong_unit if wrong else spec.unit)
        mode = "transfer" if wrong else spec.mode
        due = local_date() + dt.timedelta(days=self.rng.randint(20, 45)) if mode == "assign" else None
        note = "请依法依规办理并按期答复" if mode == "transfer" else "交办件，请按期报送办结报告"
        if spec.seed:
            note = "涉及群众出行安全，请尽快处置"
        services.petition_dispatch(
            actor=self._dispatcher(spec), petition_id=pk, unit=unit, mode=mode, note=note, assign_due_date=due
        )
        self.c.current, self.c.mode = unit, mode

    def step_object(self, spec: CaseSpec, pk: int) -> None:
        right = self.org.unit(spec.unit)
        reason = self.rng.choice(texts.OBJECTION_REASONS).format(unit=right.name)
        services.petition_object(actor=self._unit_staff("handler", self.c.current), petition_id=pk, reason=reason)
        self.c.current, self.c.mode = None, ""

    def step_direct(self, spec: CaseSpec, pk: int) -> None:
        services.petition_handle_directly(
            actor=self._dispatcher(spec), petition_id=pk, note="咨询类事项，由本局直接答复"
        )
        self.c.current, self.c.mode = self._office(spec), "direct"

    def _rejection(self, spec: CaseSpec) -> tuple[str, str]:
        return texts.REJECTIONS.get(spec.category, texts.REJECT_DEFAULT)

    def step_reject_office(self, spec: CaseSpec, pk: int) -> None:
        reason, route = self._rejection(spec)
        services.petition_reject(actor=self._dispatcher(spec), petition_id=pk, reason=reason, legal_route=route)

    def step_reject_unit(self, spec: CaseSpec, pk: int) -> None:
        reason, route = self._rejection(spec)
        services.petition_reject(
            actor=self._unit_staff("handler", self.c.current), petition_id=pk, reason=reason, legal_route=route
        )

    def step_reject_final(self, spec: CaseSpec, pk: int) -> None:
        services.petition_reject(
            actor=self._dispatcher(spec),
            petition_id=pk,
            final=True,
            legal_route="finished",
            reason="信访人以同一事实和理由再次提出，该事项已经复核终结",
        )

    def step_accept(self, spec: CaseSpec, pk: int) -> None:
        services.petition_accept(
            actor=self._unit_staff("handler", self.c.current), petition_id=pk, note="已受理，书面告知信访人"
        )

    def step_note(self, spec: CaseSpec, pk: int) -> None:
        if spec.seed:
            note, public = SEED_NOTE, True
        else:
            note, public = self.rng.choice(texts.NOTES), self.rng.random() < 0.3
        services.petition_add_note(
            actor=self._unit_staff("handler", self.c.current), petition_id=pk, note=note, public=public
        )

    def step_mediate(self, spec: CaseSpec, pk: int) -> None:
        services.petition_add_note(
            actor=self._unit_staff("handler", self.c.current),
            petition_id=pk,
            note=self.rng.choice(texts.MEDIATIONS),
            mediation=True,
        )

    def step_ext_request(self, spec: CaseSpec, pk: int) -> None:
        services.petition_request_extension(
            actor=self._unit_staff("handler", self.c.current),
            petition_id=pk,
            days=self.rng.choice((15, 20, 30)),
            reason=self.rng.choice(texts.EXTENSION_REASONS),
        )

    def step_ext_approve(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_extension(actor=self._unit_staff("head", self.c.current), petition_id=pk, approve=True)

    def step_ext_refuse(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_extension(
            actor=self._unit_staff("head", self.c.current),
            petition_id=pk,
            approve=False,
            note="不同意延期，请抓紧办理，按期答复",
        )

    def step_reply(self, spec: CaseSpec, pk: int) -> None:
        tpl = spec.tpl
        if spec.seed:
            facts = "经现场核查，建设街与棉麻一场路口东侧人行道窨井盖因重车碾压破损，井口外露，存在安全隐患。"
            opinion = "已更换井盖：受理当日即更换为防坠落球墨铸铁井盖并加装防坠网，今后将加强市政设施日常巡查。"
        elif spec.outcome == "support":
            facts, opinion = tpl.facts.format_map(spec.ctx), tpl.opinion.format_map(spec.ctx)
        else:
            facts, opinion = texts.EXPLAIN if spec.outcome == "explain" else texts.NOT_SUPPORTED
        report = ""
        if self.c.mode == "assign":
            report = f"交办事项已办结。{facts}{opinion}"
        services.petition_submit_reply(
            actor=self._unit_staff("handler", self.c.current),
            petition_id=pk,
            outcome=spec.outcome,
            facts=facts,
            reasons=texts.REASONS[spec.outcome],
            basis=texts.BASIS.get(spec.category, "《信访工作条例》"),
            opinion=opinion,
            completion_report=report,
        )

    def step_reply_return(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_reply(
            actor=self._unit_staff("head", self.c.current),
            petition_id=pk,
            approve=False,
            note="事实部分请补充现场核查情况和相关证据后重新提交",
        )

    def step_reply_approve(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_reply(actor=self._unit_staff("head", self.c.current), petition_id=pk, approve=True)

    def step_rate(self, spec: CaseSpec, pk: int) -> None:
        comment = "井盖当天就换好了，感谢政府！" if spec.seed else self.rng.choice(texts.RATING_COMMENTS[spec.rating])
        services.petition_rate(petition_id=pk, rating=spec.rating, comment=comment, via="portal")

    def step_rate_callback(self, spec: CaseSpec, pk: int) -> None:
        services.petition_rate(
            petition_id=pk, rating=spec.rating, comment="电话回访记录", actor=self._dispatcher(spec), via="callback"
        )

    def step_close(self, spec: CaseSpec, pk: int) -> None:
        services.petition_close(
            actor=self._dispatcher(spec), petition_id=pk, note="已电话回访，信访人未作评价，办结归档"
        )

    def step_review(self, spec: CaseSpec, pk: int) -> None:
        services.petition_request_review(petition_id=pk, reason=self.rng.choice(texts.REVIEW_REASONS), ip="127.0.0.1")
        self.c.review = self._parent(self.c.current)

    def step_review_decide(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_review(
            actor=self._unit_staff("handler", self.c.review),
            petition_id=pk,
            outcome=spec.review_outcome,
            text=texts.REVIEW_TEXTS[spec.review_outcome],
        )

    def step_recheck(self, spec: CaseSpec, pk: int) -> None:
        services.petition_request_recheck(petition_id=pk, reason=self.rng.choice(texts.RECHECK_REASONS), ip="127.0.0.1")
        self.c.review = self._parent(self.c.review)

    def step_hearing(self, spec: CaseSpec, pk: int) -> None:
        services.petition_hearing(
            actor=self._unit_staff("handler", self.c.review),
            petition_id=pk,
            start=True,
            note="案情复杂，组织召开听证会，听证期间不计入复核期限",
        )

    def step_recheck_decide(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_recheck(
            actor=self._unit_staff("handler", self.c.review),
            petition_id=pk,
            outcome=spec.recheck_outcome,
            text=texts.REVIEW_TEXTS[spec.recheck_outcome].replace("复查", "复核"),
        )


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
    result.petitions = Petition.objects.count()
    result.by_status = dict(Counter(Petition.objects.values_list("status", flat=True)))
    return result
