"""The screening seed: 郸城县's 四大攻坚 (控制增量、减少存量).

The county screens its whole territory (拉网式排查) in the campaign's first two weeks and finds 146
disputes; the 28 hard ones are marked on the 作战示意图 and taken on by county leaders (包案); the
others go to townships and departments. Week by week they are resolved, put under control (稳控) or sent
into the statutory routes, so the board shows progress over weeks and some cases overdue. County leaders
hold weekly reception days (some past, with visits registered as 领导接访 petitions, some ahead on the
portal), and go down to the villages (下访) a few times.

Every write goes through xinfang.screening.services (and petitions' intake for the visits), each at its
own past moment (time-machine), like the city loader. Idempotent: skipped when the campaign exists.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import time_machine
from django.db import transaction
from django.utils import timezone

from xinfang.accounts.models import Area, Role, Unit, User
from xinfang.accounts.services import area_upsert, unit_upsert, user_create
from xinfang.core.timeutil import SHANGHAI, local_date
from xinfang.screening import services
from xinfang.screening.models import Campaign, CampaignMember, RiskGrade

from . import fake
from .city.logins import CAMPAIGN_NAME, LEADERS, PASSWORD

COUNTY_CODE = "411625"
OFFICE = "DC-XFJ"
CLERK_USERNAME = "dancheng"  # the county's back-office login (city/logins.county_login)
SCREENED, MARKED = 146, 28
SEED = 411625

# The towns the city data already has, and the rest of the county (codes plausible, not the official list).
MORE_TOWNS = (
    ("411625002", "东风街道"), ("411625003", "新城街道"), ("411625102", "钱店镇"), ("411625104", "石槽镇"),
    ("411625105", "南丰镇"), ("411625106", "白马镇"), ("411625107", "吴台镇"), ("411625108", "宁平镇"),
    ("411625200", "城郊乡"), ("411625201", "李楼乡"), ("411625202", "胡集乡"), ("411625203", "双楼乡"),
    ("411625204", "秋渠乡"), ("411625205", "汲水乡"), ("411625206", "张完乡"), ("411625207", "丁村乡"),
    ("411625208", "虎岗乡"), ("411625209", "古城乡"), ("411625210", "巴集乡"),
)  # fmt: skip

GROUPS = ("信访积案化解组", "矛盾纠纷排查组", "重点人员稳控组", "督导问责组")

# (type, unit key or TOWN, title, summary) with {village} {n} {amount} {company}.
TEXTS = (
    (
        "land",
        "TOWN",
        "{village}土地流转租金拖欠",
        "{village}{n}户村民反映，{company}承包土地三年未付流转租金约{amount}万元，群众多次到镇政府反映。",
    ),
    (
        "land",
        "ZRZY",
        "{village}征地补偿分配争议",
        "{village}村民对征地补偿款在村组内的分配方案有异议，涉及{n}户，要求重新核算。",
    ),
    (
        "demolition",
        "ZJJ",
        "{village}拆迁安置房逾期未交付",
        "{village}{n}户拆迁群众的安置房已逾期交付两年，过渡费停发，群众情绪较大。",
    ),
    (
        "wages",
        "RSJ",
        "{company}拖欠农民工工资",
        "{company}在{village}附近的工地拖欠{n}名农民工工资约{amount}万元，包工头失联。",
    ),
    (
        "property",
        "ZJJ",
        "小区物业服务纠纷",
        "{village}附近小区业主与物业公司因收费和维修问题矛盾激化，{n}户业主拒交物业费。",
    ),
    (
        "neighbour",
        "TOWN",
        "{village}宅基地边界纠纷",
        "{village}两户村民因宅基地边界和排水沟问题多次发生争执，曾发生肢体冲突。",
    ),
    (
        "neighbour",
        "TOWN",
        "{village}通行道路纠纷",
        "{village}村民因一户修建院墙占用生产路，影响{n}户通行，双方多次争吵。",
    ),
    (
        "family",
        "TOWN",
        "{village}赡养纠纷",
        "{village}一位八旬老人的{n}名子女因赡养费分担问题长期互相推诿，老人生活困难。",
    ),
    (
        "environment",
        "SCJG",
        "{company}噪音粉尘扰民",
        "{village}群众反映{company}夜间生产噪音和粉尘严重，涉及{n}户，要求停产整改。",
    ),
    ("village", "TOWN", "{village}村务财务不公开", "{village}{n}名村民反映村集体收入和低保评定不公开，要求查账。"),
    ("litigation", "GAJ", "{village}交通事故赔偿纠纷", "{village}一起交通事故的赔偿款执行不到位，受害人家属多次上访。"),
    ("social", "RSJ", "{village}养老保险待遇争议", "{village}{n}名原民办教师对养老保险待遇核定有异议，要求补缴认定。"),
)
COMPANIES = ("豫东农业开发有限公司", "郸城县恒达建筑公司", "鑫源面粉厂", "华阳置业有限公司", "宏运物流园", "金丰合作社")


@dataclass
class Seeded:
    disputes: int = 0
    visits: int = 0
    days: int = 0
    down_visits: int = 0
    skipped: bool = False


def _towns() -> list[tuple[Area, Unit]]:
    county = Area.objects.get(code=COUNTY_CODE)
    gov = Unit.objects.get(code="DC-GOV")
    for code, name in MORE_TOWNS:
        area = area_upsert(code=code, name=name, level=Area.Level.TOWNSHIP, parent=county)
        suffix = "办事处" if name.endswith("街道") else "人民政府"
        unit_upsert(
            code=f"DC-XZ-{code[-3:]}",
            name=f"郸城县{name}{suffix}",
            kind=Unit.Kind.TOWNSHIP,
            area=area,
            parent=gov,
            short_name=name,
        )
    towns = Area.objects.filter(parent=county, level=Area.Level.TOWNSHIP).order_by("code")
    units = {u.area_id: u for u in Unit.objects.filter(kind=Unit.Kind.TOWNSHIP, area__in=towns)}
    return [(t, units[t.pk]) for t in towns if t.pk in units]


def _leaders() -> list[tuple[User, str]]:
    """Made by load_users from LOGINS (city/logins.all_logins); made here too when loaded alone."""
    gov = Unit.objects.get(code="DC-GOV")
    return [
        (user_create(username=u, password=PASSWORD, full_name=n, unit=gov, roles=[Role.LEADER]), t)
        for u, n, t in LEADERS
    ]


def _official(rng: random.Random, unit_key: str) -> str:
    """A responsible official by surname and post (as ledgers write them: 王主任). Never a full fake name:
    those come from the petitioners' pool, and the demo keeps no petitioner's name in clear anywhere."""
    post = {"TOWN": "综治中心主任", "GAJ": "所长"}.get(unit_key, "股长")
    return rng.choice(fake.SURNAMES) + post


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def load_screening(*, now: dt.datetime | None = None, log: Any = None) -> Seeded:
    say = log or (lambda msg: None)
    if Campaign.objects.filter(name=CAMPAIGN_NAME).exists():
        say("郸城县四大攻坚演示数据已存在，跳过")
        return Seeded(skipped=True)
    now = now or timezone.now()
    with transaction.atomic():
        result = _load(now)
    say(
        f"郸城县四大攻坚：排查矛盾纠纷 {result.disputes} 件（挂图 {MARKED} 件），领导接访日 {result.days} 个、"
        f"接待 {result.visits} 批，下访 {result.down_visits} 次"
    )
    return result


def _load(now: dt.datetime) -> Seeded:
    rng = random.Random(SEED)
    today = local_date(now)
    start = today - dt.timedelta(weeks=8)
    clerk = User.objects.get(username=CLERK_USERNAME)
    office = Unit.objects.get(code=OFFICE)
    county = Area.objects.get(code=COUNTY_CODE)
    towns = _towns()
    leaders = _leaders()
    grades = {g.code: g for g in RiskGrade.objects.all()}
    depts = {u.code.removeprefix("DC-"): u for u in Unit.objects.filter(code__startswith="DC-")}
    steps: list[tuple[dt.datetime, Any]] = []  # (moment, action): run in time order, like the city loader

    with time_machine.travel(_at(start, 9), tick=False):
        campaign = services.campaign_create(
            actor=clerk, name=CAMPAIGN_NAME, office=office, area=county, starts_on=start,
            ends_on=today + dt.timedelta(weeks=4),
            description="全面排查、挂图作战、领导包案、限期化解：控制增量、减少存量，初信初访化解率不低于90%，"
            "重信重访不低于80%，历史积案不低于70%。",
            units=[u for k, u in depts.items() if k in ("XFJ", "ZJJ", "RSJ", "GAJ", "ZRZY", "SCJG")],
        )  # fmt: skip
        roles = [CampaignMember.Role.COMMANDER, CampaignMember.Role.DEPUTY, CampaignMember.Role.DEPUTY]
        for (leader, _title), role in zip(leaders, roles + [CampaignMember.Role.MEMBER] * 2, strict=True):
            services.campaign_add_member(actor=clerk, campaign=campaign, user=leader, role=role)
        for group, (leader, _t) in zip(GROUPS, leaders[1:], strict=True):
            services.campaign_add_member(
                actor=clerk, campaign=campaign, user=leader, role=CampaignMember.Role.GROUP_LEAD, group=group
            )

    # 146 disputes: 10 red, 30 orange, 66 yellow, 40 blue; the 10 red and 18 orange are marked.
    plan = ["red"] * 10 + ["orange"] * 30 + ["yellow"] * 66 + ["blue"] * 40
    classes = ["first"] * 90 + ["repeat"] * 36 + ["old"] * 20
    rng.shuffle(classes)
    county_leaders = [u for u, _t in leaders]
    for i, grade_code in enumerate(plan):
        town, town_unit = towns[(i * 7 + rng.randrange(3)) % len(towns)]
        kind, unit_key, title, summary = TEXTS[rng.randrange(len(TEXTS))]
        fill: dict[str, Any] = {
            "village": rng.choice(fake.VILLAGES), "n": rng.randrange(2, 40), "amount": rng.randrange(5, 300),
            "company": rng.choice(COMPANIES),
        }  # fmt: skip
        found = start + dt.timedelta(days=rng.randrange(0, 14))
        marked = grade_code == "red" or (grade_code == "orange" and i < 28)
        unit = town_unit if unit_key == "TOWN" else depts[unit_key]
        person = fake.make_person(rng, area_code=COUNTY_CODE, address=f"郸城县{town.name}{fill['village']}")
        kwargs = {
            "area": town, "dispute_type": kind, "title": f"{town.name}{title.format(**fill)}"[:200],
            "summary": summary.format(**fill), "grade": grades[grade_code], "case_class": classes[i], "found_on": found,
            "headcount": int(fill["n"]) if "{n}" in summary else 2, "responsible_unit": unit,
            "responsible_person": _official(rng, unit_key), "campaign": campaign, "marked": marked,
            "measures": "落实专人稳控，每日见面、每周研判" if grade_code in ("red", "orange") else "网格员跟踪走访",
            "parties": [{"name": person.name, "id_number": person.id_number, "phone": person.phone}],
            "office": office,
        }  # fmt: skip
        steps.append((_at(found, 10, i % 50), ("register", i, kwargs)))
    moments = {step[1]: at for at, step in steps}
    # Each dispute's later steps: 包案, a plan step, weekly progress, an outcome (or not yet).
    later: list[tuple[dt.datetime, tuple[str, int, dict[str, Any]]]] = []
    for i, grade_code in enumerate(plan):
        at = moments[i]
        if grade_code in ("red", "orange") and (grade_code == "red" or i < 28):
            later.append(
                (at + dt.timedelta(hours=3), ("take_on", i, {"leader": county_leaders[i % len(county_leaders)]}))
            )
        later.append((at + dt.timedelta(days=1), ("step", i, {"days": grades[grade_code].deadline_days // 2})))
        weeks = rng.randrange(1, 7)
        for w in range(1, weeks):
            later.append((at + dt.timedelta(weeks=w, hours=1), ("progress", i, {"week": w})))
        roll = rng.random()
        done = at + dt.timedelta(weeks=weeks, hours=2)
        if done.date() < today:
            if roll < 0.62:
                later.append((done, ("conclude", i, {"outcome": "resolved"})))
            elif roll < 0.72:
                later.append((done, ("conclude", i, {"outcome": "controlled"})))
            elif roll < 0.78:
                later.append((done, ("conclude", i, {"outcome": "legal"})))
    later.sort(key=lambda s: s[0])

    ids: dict[int, int] = {}
    for at, (_k, i, kwargs) in sorted(steps, key=lambda s: s[0]):
        with time_machine.travel(at, tick=False):
            ids[i] = services.dispute_register(actor=clerk, **kwargs).pk
    for at, (kind, i, data) in later:
        if at >= now:
            continue
        pk = ids[i]
        with time_machine.travel(at, tick=False):
            if kind == "take_on":
                services.dispute_take_on(
                    actor=clerk, dispute_id=pk, leader=data["leader"], note="挂图作战案件，县级领导包案"
                )
            elif kind == "step":
                services.plan_step_add(
                    actor=clerk, dispute_id=pk, description="召开联席会议研究化解方案，明确责任人", owner_person="县信访局",
                    due_date=local_date(at) + dt.timedelta(days=max(3, data["days"])),
                )  # fmt: skip
            elif kind == "progress":
                services.dispute_record_progress(
                    actor=clerk, dispute_id=pk, note=f"第{data['week']}周：责任单位入户走访，当事人情绪稳定，继续调处。"
                )
            elif kind == "conclude":
                outcome = data["outcome"]
                note = {
                    "resolved": "经多次调解，双方达成协议并履行完毕",
                    "controlled": "诉求暂难解决，已落实稳控措施",
                    "legal": "已引导当事人通过诉讼途径解决",
                }[outcome]
                services.dispute_conclude(
                    actor=clerk, dispute_id=pk, outcome=outcome, note=note, confirmed=True if outcome == "resolved" else None,
                    confirmation_note="当事人签字确认" if outcome == "resolved" else "",
                )  # fmt: skip
    services.deadlines_sweep(on=today)
    days, visits = _reception(rng, clerk=clerk, office=office, towns=towns, leaders=leaders, today=today, now=now)
    downs = _down_visits(
        rng, clerk=clerk, office=office, towns=towns, leaders=leaders, today=today, ids=list(ids.values())
    )
    return Seeded(disputes=len(ids), visits=visits, days=days, down_visits=downs)


def _reception(
    rng: random.Random, *, clerk: User, office: Unit, towns: Any, leaders: Any, today: dt.date, now: dt.datetime
) -> tuple[int, int]:
    """A weekly reception day per county leader in turn: four weeks back (with visits) and four ahead."""
    county = Area.objects.get(code=COUNTY_CODE)
    monday = today - dt.timedelta(days=today.weekday())
    days = visits = 0
    for week in range(-4, 5):
        leader, title = leaders[(week + 4) % len(leaders)]
        day = monday + dt.timedelta(weeks=week, days=2)  # Wednesdays
        town, _unit = towns[(week + 4) * 3 % len(towns)]
        where, area = ("县信访局群众来访接待中心", county) if week % 2 == 0 else (f"{town.name}便民服务中心", town)
        with time_machine.travel(_at(min(day, today) - dt.timedelta(days=7), 9), tick=False):
            rec = services.reception_day_create(
                actor=clerk, leader=leader, leader_title=title, office=office, area=area, date=day,
                start_time=dt.time(8, 30), end_time=dt.time(12), place=where, topics="征地拆迁、劳动保障、涉农补贴",
            )  # fmt: skip
        days += 1
        if day >= today:
            continue
        # One visit a day in the last three weeks (the city demo keeps every county near 30 cases).
        for n in range(1 if week >= -3 else 0):
            person = fake.make_person(rng, area_code=COUNTY_CODE, address=f"郸城县{town.name}")
            kind, _u, title_t, summary = TEXTS[rng.randrange(len(TEXTS))]
            fill = {
                "village": rng.choice(fake.VILLAGES),
                "n": rng.randrange(2, 20),
                "amount": rng.randrange(5, 80),
                "company": rng.choice(COMPANIES),
            }
            at = _at(day, 9 + n)
            with time_machine.travel(at, tick=False):
                services.reception_register_visit(
                    actor=clerk, day_id=rec.pk, interviewer="县信访局接访科" + rng.choice(fake.SURNAMES) + "科长",
                    content=summary.format(**fill), title=title_t.format(**fill)[:60],
                    petitioner=person.as_petitioner(), area=area, received_at=at,
                    leader_instruction=f"请责任单位7日内拿出化解方案，向{title}报告",
                )  # fmt: skip
            visits += 1
    return days, visits


def _down_visits(
    rng: random.Random, *, clerk: User, office: Unit, towns: Any, leaders: Any, today: dt.date, ids: list[int]
) -> int:
    from xinfang.screening.models import Dispute

    count = 0
    for n in range(5):
        leader, _title = leaders[n % len(leaders)]
        town, _unit = towns[(n * 5 + 2) % len(towns)]
        village = rng.choice(fake.VILLAGES)
        day = today - dt.timedelta(days=7 * n + 3)
        found = list(Dispute.objects.filter(pk__in=ids, area=town)[:2])
        with time_machine.travel(_at(day, 17), tick=False):
            services.down_visit_record(
                actor=clerk, leader=leader, office=office, area=town, date=day, place=f"{town.name}{village}",
                people_met=f"{village}两委班子、老党员、{rng.randrange(8, 30)}户群众",
                matters_found="；".join(d.title for d in found) or "群众反映的道路硬化问题已交镇政府办理",
                disputes=found,
            )  # fmt: skip
        count += 1
    return count
