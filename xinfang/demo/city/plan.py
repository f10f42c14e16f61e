"""The demo case plan: pure data, no database. `build_plan` makes the same list for the same day.

Each case is a `CaseSpec`: who petitions about what, where, when, and the workflow steps to walk
through. The loader (`xinfang.demo.city.loader`) turns the steps into service calls.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from xinfang.core.timeutil import SHANGHAI
from xinfang.demo import fake
from xinfang.demo.fake import Person, make_person

from . import texts
from .org import COUNTIES, COUNTY_BY_KEY, SEED_COUNTY, County, Town, town_unit_code
from .scenarios import CHANNEL_WEIGHTS, CITY_UNIT, FINAL_REPEATS, QUOTA, SCENARIOS, WRONG_UNIT, R, Scenario
from .schedule import schedule
from .spec import CaseSpec

SEED = 20260428  # fixed: the same plan every time
SEED_TITLE = "建设街与棉麻一场路口窨井盖破损，老人夜间出行危险"


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _received(rng: random.Random, now: dt.datetime, age: tuple[int, int], channel: str) -> dt.datetime:
    local_now = now.astimezone(SHANGHAI)
    days = rng.randint(*age)
    if days == 0:
        return now - dt.timedelta(minutes=rng.randint(10, 360))
    day = local_now.date() - dt.timedelta(days=days)
    start, end = (0, 24 * 60 - 1) if channel in ("online", "sms") else (8 * 60, 17 * 60 + 30)
    minute = rng.randint(start, end)
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=SHANGHAI)


def _context(rng: random.Random, county: County, town: Town, village: str) -> dict[str, str]:
    return {
        "county": county.name if county.key != "jingkai" else "周口经开区",
        "town": town.name,
        "village": village,
        "street": rng.choice(county.streets),
        "community": rng.choice(fake.ESTATES),
        "company": rng.choice(fake.COMPANIES),
        "school": rng.choice(texts.SCHOOLS),
        "shop": rng.choice(texts.SHOPS),
        "amount": f"{rng.randrange(8, 600) * 100:,}".replace(",", ""),
        "n": str(rng.randint(6, 48)),
        "year": str(rng.randint(2019, 2024)),
        "months": str(rng.randint(2, 14)),
    }


def _templates_for(scenario: Scenario) -> list[tuple[str, int]]:
    """(category, template index) pairs a scenario may use, repeated by category weight."""
    out: list[tuple[str, int]] = []
    for category, weight in texts.CATEGORY_WEIGHTS.items():
        for i, tpl in enumerate(texts.TEMPLATES[category]):
            if scenario.direct != (tpl.unit == "XFJ"):
                continue
            if scenario.review and tpl.purpose == "601004":
                continue  # accusations do not go to 复查 here
            out.extend([(category, i)] * max(1, weight * 3 // len(texts.TEMPLATES[category])))
    return out


def _town_unit(county: County, town: Town) -> str:
    return town_unit_code(county, town)


def _unit_for(county: County, town: Town, unit_key: str) -> str:
    if unit_key == "TOWN":
        return _town_unit(county, town)
    return f"{county.prefix}-{unit_key}"


def _make_case(
    rng: random.Random, key: int, scenario: Scenario, now: dt.datetime, county: County, focus: str = ""
) -> CaseSpec:
    """One case of `scenario` in `county`; `focus`: the unit key it must go to ("*": any, but to the
    county's own 信访局, not the city's)."""
    choices = _templates_for(scenario)
    if focus:
        choices = [(c, i) for c, i in choices if focus == "*" or texts.TEMPLATES[c][i].unit == focus]
    category, index = rng.choice(choices)
    tpl = texts.TEMPLATES[category][index]
    town = rng.choice(county.towns)
    if town.villages and rng.random() < 0.6:
        village_code, village = rng.choice(town.villages)
    else:
        village_code, village = "", rng.choice(fake.VILLAGES)
    ctx = _context(rng, county, town, village)
    area = village_code if village_code and "{village}" in tpl.content else town.code
    if tpl.unit in ("SZS", "ZJJ", "RSJ", "JYJ", "WJW", "SCJG") and rng.random() < 0.3:
        area = county.code  # some matters concern the county as a whole

    online = scenario.steps[0] == "submit"
    group = tpl.group and not online and rng.random() < 0.45
    channel = "online" if online else _weighted(rng, CHANNEL_WEIGHTS)
    if group:
        channel = rng.choice(("visit", "visit", "visit", "leader"))
    received = _received(rng, now, scenario.age, channel)

    home = f"{county.name if county.key != 'jingkai' else '周口经开区'}{town.name}"
    address = home + (
        f"{village}{rng.randint(1, 120)}号"
        if "村" in village or "社区" in village
        else f"{ctx['street']}{rng.randint(1, 300)}号"
    )
    person = make_person(rng, area_code=county.code, address=address)

    city_office = not online and not scenario.review and not scenario.direct and not focus and rng.random() < 0.15
    office = "ZK-XFJ" if city_office else f"{county.prefix}-XFJ"
    if tpl.unit == "XFJ":
        unit = office
    elif city_office:
        unit = CITY_UNIT.get(tpl.unit) or f"{county.prefix}-GOV"
    else:
        unit = _unit_for(county, town, tpl.unit)
    wrong_key = WRONG_UNIT.get(tpl.unit, "TOWN")
    wrong = _unit_for(county, town, wrong_key) if not city_office else f"{county.prefix}-GOV"
    if wrong == unit:
        wrong = f"{county.prefix}-ZJJ" if unit != f"{county.prefix}-ZJJ" else f"{county.prefix}-SZS"

    spec = CaseSpec(
        key=key,
        scenario=scenario.name,
        steps=scenario.steps,
        county=county.key,
        office=office,
        channel=channel,
        category=category,
        template=index,
        area=area,
        title=tpl.title.format_map(ctx),
        content=tpl.content.format_map(ctx),
        person=person,
        received_at=received,
        unit=unit,
        wrong_unit=wrong,
        purpose=tpl.purpose,
        ctx=ctx,
        mode="assign" if (not scenario.direct and rng.random() < 0.15) else "transfer",
        pinned=bool(focus),
        with_id=channel not in ("call", "sms") or rng.random() < 0.3,
        with_phone=online or channel != "letter" or rng.random() < 0.7,
        skip_level=city_office and channel in ("visit", "leader") and rng.random() < 0.6,
    )
    if group:
        spec.headcount = rng.randint(5, 60)
        spec.representatives = [
            make_person(rng, area_code=county.code, address=home + f"{village}{rng.randint(1, 120)}号")
            for _ in range(rng.randint(2, 5))
        ]
    if tpl.purpose == "601004":
        spec.confidential = True
        if category == "602004":
            spec.accused_person = f"{rng.choice('王李张刘陈杨赵黄周吴')}某某"
            if "{village}" in tpl.content and not city_office:
                spec.accused_unit = _town_unit(county, town)
    elif rng.random() < 0.04:
        spec.confidential = True
    if "review" in scenario.steps:
        spec.outcome = rng.choice(("explain", "explain", "not_supported"))
        spec.review_outcome = rng.choice(("uphold", "uphold", "change"))
        spec.recheck_outcome = rng.choice(("uphold", "uphold", "uphold", "revoke"))
        spec.rating = "unsatisfied"
    else:
        spec.outcome = rng.choices(("support", "explain", "not_supported"), weights=(70, 22, 8))[0]
        spec.rating = rng.choices(("satisfied", "basic", "unsatisfied"), weights=(70, 20, 10))[0]
        if spec.outcome != "support" and spec.rating == "satisfied" and rng.random() < 0.5:
            spec.rating = "basic"
    return spec


SEED_PERSON = "杨国军"


def _seed_case(now: dt.datetime) -> CaseSpec:
    """The seed story: 杨国军 (76) calls the hotline about a broken 窨井盖 at 建设街 / 棉麻一场, 扶沟县;
    the 市政所 replaces the cover the same day and the reply goes out that afternoon."""
    rng = random.Random(SEED + 1)
    county = COUNTY_BY_KEY[SEED_COUNTY]
    local_now = now.astimezone(SHANGHAI)
    day = local_now.date() - dt.timedelta(days=2)
    received = dt.datetime.combine(day, dt.time(9, 12), tzinfo=SHANGHAI)
    birth = dt.date(local_now.year - 77, 3, 16)
    if local_now.date() < birth.replace(year=local_now.year):
        birth = birth.replace(year=birth.year + 1)  # 76 today
    person = make_person(
        rng, area_code=county.code, address="扶沟县城关镇建设街棉麻一场家属院", name=SEED_PERSON, male=True, birth=birth
    )
    content = (
        # No name or home address in the text: those are kept sealed in their own fields (issue 20).
        "来电人76岁，住在建设街附近。反映建设街与棉麻一场路口东侧人行道上的一个窨井盖"
        "破损塌陷已有半个多月，井口露着大洞，旁边没有任何警示标志。晚上路灯暗，老人小孩经过很容易踩空掉下去，"
        "前几天邻居家的孙子骑车差点摔进去。请求有关部门尽快更换井盖，消除安全隐患。"
    )
    steps = ("register", "dispatch", "accept", "note", "reply", "reply_approve", "rate")
    # One working day: the call at 9:12, the cover replaced by early afternoon, the reply approved at
    # 16:40; 杨国军 rates it the next morning on the portal.
    clock = ((9, 12), (9, 41), (10, 5), (14, 30), (15, 50), (16, 40))
    times = [dt.datetime.combine(day, dt.time(h, m), tzinfo=SHANGHAI) for h, m in clock]
    times.append(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(10, 18), tzinfo=SHANGHAI))
    return CaseSpec(
        key=0,
        scenario="seed",
        county=county.key,
        office="FG-XFJ",
        channel="call",
        category="602015",
        template=0,
        area="411621100001",
        title=SEED_TITLE,
        content=content,
        person=person,
        received_at=received,
        unit="FG-SZS",
        purpose="601003",
        with_id=True,
        with_phone=True,
        outcome="support",
        rating="satisfied",
        steps=steps,
        seed=True,
        times=times,
    )


def _add_repeats(rng: random.Random, cases: list[CaseSpec]) -> None:
    """Some petitioners come back: later cases take over an earlier case's person and matter."""
    originals = [
        c
        for c in cases
        if c.scenario in ("closed_rated", "closed_callback", "replied", "reviewed", "closed_filed")
        and not c.representatives
    ]
    later = [
        c
        for c in cases
        if c.scenario in ("registered", "dispatched", "accepted", "accepted_note", "rejected_by_office")
        and not c.representatives
        and not c.pinned
    ]
    rng.shuffle(originals)
    rng.shuffle(later)
    pairs = 0
    for original in originals:
        if pairs >= 10:
            break
        follow = next(
            (
                c
                for c in later
                if c.received_at > original.received_at + dt.timedelta(days=20) and c.office == original.office
            ),
            None,
        )
        if follow is None:
            continue
        later.remove(follow)
        _copy_matter(follow, original)
        pairs += 1
    finals = [c for c in cases if c.scenario == "final"]
    for original in finals[:FINAL_REPEATS]:
        received = original.received_at + dt.timedelta(days=rng.randint(100, 140))
        now_ = max(c.received_at for c in cases)
        received = min(received, now_ - dt.timedelta(days=1))
        follow = replace(
            original,
            key=len(cases) + 1,
            scenario="rejected_final",
            steps=(*R, "reject_final"),
            received_at=received,
            channel=rng.choice(("visit", "letter")),
        )
        _copy_matter(follow, original)
        cases.append(follow)


def _copy_matter(follow: CaseSpec, original: CaseSpec) -> None:
    follow.county, follow.office, follow.category, follow.template = (
        original.county,
        original.office,
        original.category,
        original.template,
    )
    follow.area, follow.person, follow.unit, follow.wrong_unit = (
        original.area,
        original.person,
        original.unit,
        original.wrong_unit,
    )
    follow.title = original.title + "（再次反映）"
    follow.content = "此前已反映过该问题，至今仍未得到解决，再次请求处理。" + original.content
    # Repeats are recognised by ID number: both cases carry it.
    follow.with_id = follow.with_phone = original.with_id = original.with_phone = True
    follow.purpose, follow.ctx = original.purpose, original.ctx
    follow.accused_person, follow.accused_unit, follow.confidential = (
        original.accused_person,
        original.accused_unit,
        original.confidential,
    )
    follow.repeat_of = original.key


def build_plan(now: dt.datetime) -> list[CaseSpec]:
    """All demo cases, oldest first (so repeats follow their originals and numbers rise with time)."""
    rng = random.Random(SEED)
    cases: list[CaseSpec] = [_seed_case(now)]
    key = 1
    turn = 0  # the next county in the round: the scenarios' remainders are dealt on across scenarios
    for scenario in SCENARIOS:
        quota = [(county, unit) for unit, n in QUOTA.get(scenario.name, ()) for _ in range(n) for county in COUNTIES]
        for i in range(scenario.count):
            if i < len(quota):
                county, focus = quota[i]
            else:
                county, focus = COUNTIES[turn % len(COUNTIES)], ""
                turn += 1
            cases.append(_make_case(rng, key, scenario, now, county, focus))
            key += 1
    _add_repeats(rng, cases)
    # Every channel at least twice (the rarer ones may not come up by chance).
    registered = [c for c in cases if c.steps[0] == "register" and not c.representatives and not c.seed]
    for channel in CHANNEL_WEIGHTS:
        have = sum(1 for c in cases if c.channel == channel)
        for c in registered[: max(0, 2 - have)]:
            c.channel = channel
        registered = registered[max(0, 2 - have) :]
    # 领导包案: the 扶沟 leader takes on a few hard open cases, group visits first.
    hard = [
        c
        for c in cases
        if c.county == SEED_COUNTY
        and c.office == "FG-XFJ"
        and c.scenario in ("accepted_note", "accepted_mediation", "extension_pending", "reviewing", "rechecking")
    ]
    hard.sort(key=lambda c: (-c.headcount, c.key))
    for c in hard[:3]:
        c.take_on = True
        c.steps = (*c.steps, "take_on")
    schedule(cases, now, seed=SEED + 3)
    cases.sort(key=lambda c: (c.received_at, c.key))
    return cases


def all_people(cases: list[CaseSpec]) -> list[Person]:
    return [p for c in cases for p in (c.person, *c.representatives)]


__all__ = ["SEED_TITLE", "CaseSpec", "build_plan", "all_people", "COUNTIES"]
