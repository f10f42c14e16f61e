"""One row: parsed and validated into a bulk plan, its fingerprint, and the history it brings."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from xinfang.accounts.models import Area, Unit
from xinfang.core import crypto
from xinfang.core.errors import ValidationFailed
from xinfang.core.timeutil import SHANGHAI
from xinfang.core.validators import is_ascii_digits, normalize_id_number, normalize_phone

from .. import bulk, services
from ..models import Category
from ..workflow import Status
from .columns import (
    CHANNEL_WORDS,
    COLUMNS,
    DATE_FORMATS,
    HISTORY_NOTE,
    LABEL,
    LATER_COLUMNS,
    MAX_CELL,
    OUTCOME_WORDS,
    PURPOSE_WORDS,
    RATING_WORDS,
    SKIP_WORDS,
    STATUS_WORDS,
    YES_NO_WORDS,
)
from .report import Problem


@dataclass
class Lookups:
    office: Unit
    areas: dict[str, Area]
    categories: dict[str, Category]
    units: dict[str, Unit]

    def area(self, code: str) -> Area | None:
        """Areas of the office's subtree are preloaded; others are looked up once (to say "not yours")."""
        if code not in self.areas:
            self.areas[code] = Area.objects.filter(code=code, active=True).first()  # type: ignore[assignment]
        return self.areas[code]


ISO_LIKE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def _parse_date(text: str) -> dt.datetime | None:
    text = text.strip()
    m = ISO_LIKE.fullmatch(text)
    if m:  # the common case, without strptime's cost
        y, mo, d, h, mi, sec = (int(g) if g else 0 for g in m.groups())
        try:
            naive = dt.datetime(y, mo, d, h, mi, sec)  # noqa: DTZ001 - made aware in Beijing time just below
        except ValueError:
            return None
        if (h, mi) == (0, 0):
            naive = naive.replace(hour=9)
        return naive.replace(tzinfo=SHANGHAI)
    for fmt in DATE_FORMATS:
        try:
            naive = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 - made aware in Beijing time just below
        except ValueError:
            continue
        if (naive.hour, naive.minute) == (0, 0):
            naive = naive.replace(hour=9)  # a date alone: office hours, so the local date never shifts
        return naive.replace(tzinfo=SHANGHAI)
    return None


def fingerprint(values: dict[str, str]) -> str:
    """Keyed hash of the normalized row: whitespace and case do not make a row new."""
    parts = [
        " ".join(values.get(k, "").split()).upper()
        for k, *_ in COLUMNS
        if k not in LATER_COLUMNS or values.get(k, "").strip()
    ]
    return crypto.blind_index("\x1f".join(parts), purpose="import")


def parse_row(
    values: dict[str, str], row: int, lk: Lookups, now: dt.datetime
) -> tuple[bulk.PetitionPlan | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(row, LABEL[key], message))

    for key, value in values.items():
        if len(value) > MAX_CELL:
            bad(key, "内容过长（不超过2万字）")
    channel = CHANNEL_WORDS.get(values.get("channel", ""))
    if not values.get("channel"):
        bad("channel", "必须填写")
    elif channel is None:
        bad("channel", f"“{values['channel']}”不是有效的信访形式")
    received = None
    if not values.get("received"):
        bad("received", "必须填写")
    else:
        received = _parse_date(values["received"])
        if received is None:
            bad("received", f"“{values['received']}”不是有效日期，应为如2024-03-15的格式")
        elif received > now:
            bad("received", "收到日期不能晚于今天")
        elif received.year < 1990:
            bad("received", "收到日期过早，请核对")
    person = {"name": values.get("name", "")[:100], "address": values.get("address", "")[:200]}
    try:
        person["id_number"] = normalize_id_number(values.get("id_number", ""))
    except ValidationFailed as exc:
        bad("id_number", exc.message)
    try:
        person["phone"] = normalize_phone(values.get("phone", ""))
    except ValidationFailed as exc:
        bad("phone", exc.message)
    headcount = 1
    if values.get("headcount"):
        if not is_ascii_digits(values["headcount"]) or not 1 <= int(values["headcount"]) <= 100000:
            bad("headcount", "应为1至100000之间的整数")
        else:
            headcount = int(values["headcount"])
    rep_names = [n.strip() for n in re.split(r"[、,，;；]", values.get("representatives", "")) if n.strip()]
    if len(rep_names) > settings.XINFANG_MAX_REPRESENTATIVES:
        bad("representatives", f"推选代表不超过{settings.XINFANG_MAX_REPRESENTATIVES}人（《信访工作条例》第二十条）")
    representatives = [{"name": n[:100], "id_number": "", "phone": ""} for n in rep_names]
    # The intake's rule (services.representatives_problem), so an import and a clerk get the same answer.
    if problem := services.representatives_problem(
        headcount=headcount, representatives=representatives, reason=values.get("no_representative_reason", "")
    ):
        bad("representatives", problem)
    area = None
    if not values.get("area"):
        bad("area", "必须填写")
    else:
        area = lk.area(values["area"])
        if area is None:
            bad("area", f"区划代码“{values['area']}”不存在")
        elif not area.path.startswith(lk.office.area.path):
            bad("area", f"“{area.name}”不在{lk.office.name}的辖区内")
    category = None
    if values.get("category"):
        category = lk.categories.get(values["category"])
        if category is None:
            bad("category", f"内容分类代码“{values['category']}”不存在")
    purpose = ""
    if values.get("purpose"):
        purpose = PURPOSE_WORDS.get(values["purpose"], "")
        if not purpose:
            bad("purpose", f"“{values['purpose']}”不是有效的信访目的")
    content = values.get("content", "")
    if not content:
        bad("content", "必须填写")
    title = values.get("title", "") or content.replace("\n", " ")[:30]
    if len(title) > 200:
        bad("title", "标题不超过200字")
    status = STATUS_WORDS.get(values.get("status", ""))
    if status is None:
        bad("status", f"“{values['status']}”不是可导入的状态（待分办、待受理、办理中、已办结、不予受理）")
    unit = None
    if values.get("unit"):
        unit = lk.units.get(values["unit"])
        if unit is None:
            bad("unit", f"单位编码“{values['unit']}”不存在或已停用")
        elif unit.pk == lk.office.pk:
            unit = None  # the office itself: handled directly
    elif status == Status.DISPATCHED:
        bad("unit", "状态为待受理时必须填写承办单位编码")
    closed = None
    if values.get("closed"):
        closed = _parse_date(values["closed"])
        if closed is None:
            bad("closed", f"“{values['closed']}”不是有效日期")
        elif received and closed < received:
            bad("closed", "办结日期早于收到日期")
        elif closed > now:
            bad("closed", "办结日期不能晚于今天")
    elif status in (Status.CLOSED, Status.NOT_ACCEPTED):
        bad("closed", "状态为已办结或不予受理时必须填写办结日期")
    outcome = ""
    if values.get("outcome"):
        outcome = OUTCOME_WORDS.get(values["outcome"], "")
        if not outcome:
            bad("outcome", f"“{values['outcome']}”不是有效的处理意见（支持、解释说明、不予支持）")
    history = _history_dates(values, status, received, closed, now, bad)
    number = values.get("number", "")
    if number and (len(number) > 40 or not all(ch.isalnum() or ch in "-_/" for ch in number)):
        bad("number", "编号只能由字母、数字和-_/组成，不超过40字符")
    if problems or received is None or area is None or channel is None or status is None:
        return None, problems
    steps = _history(status, received, closed, unit, outcome, values.get("result", ""), history)
    plan = bulk.PetitionPlan(
        office=lk.office,
        channel=channel,
        received_at=received,
        area=area,
        title=title,
        content=content,
        petitioner=person,
        category=category,
        purpose=purpose,
        headcount=headcount,
        representatives=representatives,
        number=number,
        registrar_name=HISTORY_NOTE,
        steps=steps,
        is_repeat=history.repeat,
        skip_level_to=history.skip,
    )
    return plan, []


@dataclass
class _Dates:
    dispatched: dt.datetime | None = None
    accepted: dt.datetime | None = None
    replied: dt.datetime | None = None
    rating: str = ""
    repeat: bool = False
    skip: str = ""


def _history_dates(
    values: dict[str, str],
    status: str | None,
    received: dt.datetime | None,
    closed: dt.datetime | None,
    now: dt.datetime,
    bad: Callable[[str, str], None],
) -> _Dates:
    """The optional history columns (转送/受理/答复日期, 评价, 重复信访, 越级), checked in order: each date
    after the one before it and not in the future, each only where the status has reached that step."""
    out = _Dates()
    reached = {
        "dispatched": (Status.DISPATCHED, Status.ACCEPTED, Status.REPLIED, Status.CLOSED),
        "accepted": (Status.ACCEPTED, Status.REPLIED, Status.CLOSED),
        "replied": (Status.REPLIED, Status.CLOSED),
    }
    floor = received
    for key in ("dispatched", "accepted", "replied"):
        text = values.get(key, "")
        if not text:
            continue
        day = _parse_date(text)
        if day is None:
            bad(key, f"“{text[:20]}”不是有效日期")
        elif status not in reached[key]:
            bad(key, f"状态为“{Status(status).label if status else ''}”的信访事项不应填写{LABEL[key]}")
        elif day > now:
            bad(key, f"{LABEL[key]}不能晚于今天")
        elif floor and day < floor:
            bad(key, f"{LABEL[key]}早于前一环节的日期")
        elif closed and day > closed:
            bad(key, f"{LABEL[key]}晚于办结日期")
        else:
            setattr(out, key, day)
            floor = day
    if status == Status.REPLIED and not values.get("replied"):
        bad("replied", "状态为已答复时必须填写答复日期")
    rating = values.get("rating", "")
    if rating:
        if rating not in RATING_WORDS:
            bad("rating", f"“{rating[:20]}”不是有效的评价（满意、基本满意、不满意）")
        elif status not in (Status.REPLIED, Status.CLOSED):
            bad("rating", "尚未答复的信访事项不能填写评价")
        else:
            out.rating = RATING_WORDS[rating]
    if values.get("repeat", "") not in YES_NO_WORDS:
        bad("repeat", "重复信访应填“是”或“否”")
    else:
        out.repeat = YES_NO_WORDS[values.get("repeat", "")]
    if values.get("skip", "") not in SKIP_WORDS:
        bad("skip", "越级应填“赴省”“赴京”或留空")
    else:
        out.skip = SKIP_WORDS[values.get("skip", "")]
    return out


def _history(
    status: str,
    received: dt.datetime,
    closed: dt.datetime | None,
    unit: Unit | None,
    outcome: str,
    result: str,
    dates: _Dates | None = None,
) -> list[bulk.Step]:
    """The steps of an imported case, on the dates the old system recorded (转送, 受理, 答复, 办结) or, where
    a date is missing, on receipt (dispatch, acceptance) and on the closing date (reply); then the
    petitioner's rating. Only what the spreadsheet says; every event says it came from an import."""
    dates = dates or _Dates()
    at = dates.dispatched or received + dt.timedelta(minutes=1)
    if status == Status.REGISTERED:
        return []
    if status == Status.NOT_ACCEPTED:
        return [
            bulk.Step(
                action="reject",
                at=closed or at,
                actor_name=HISTORY_NOTE,
                legal_route="other",
                reason=result or "历史数据，原系统记录为不予受理",
            )
        ]
    if unit is None:
        steps = [bulk.Step(action="handle_directly", at=at, actor_name=HISTORY_NOTE, note=HISTORY_NOTE)]
    else:
        steps = [bulk.Step(action="dispatch", at=at, actor_name=HISTORY_NOTE, unit=unit, note=HISTORY_NOTE)]
        if status != Status.DISPATCHED:
            accepted = dates.accepted or at + dt.timedelta(minutes=1)
            steps.append(bulk.Step(action="accept", at=accepted, actor_name=HISTORY_NOTE, note=HISTORY_NOTE))
    replied = dates.replied or (closed if status == Status.CLOSED else None)
    if status in (Status.REPLIED, Status.CLOSED) and replied is not None:
        steps += [
            bulk.Step(
                action="submit_reply",
                at=replied,
                actor_name=HISTORY_NOTE,
                outcome=outcome,
                facts="（历史数据，见原系统）",
                reasons="（历史数据，见原系统）",
                basis="（历史数据，见原系统）",
                text=result or "（历史数据，见原系统）",
                reason="（历史数据，见原系统）",
            ),
            bulk.Step(action="approve_reply", at=replied, actor_name=HISTORY_NOTE, note=HISTORY_NOTE),
        ]
        rated_at = closed or replied
        if dates.rating in ("satisfied", "basic"):
            # 满意 / 基本满意 close the case (as on the portal).
            return [*steps, bulk.Step(action="rate", at=rated_at, actor_name=HISTORY_NOTE, rating=dates.rating)]
        if dates.rating == "unsatisfied":
            steps.append(
                bulk.Step(action="rate_unsatisfied", at=rated_at, actor_name=HISTORY_NOTE, rating="unsatisfied")
            )
            if status == Status.CLOSED and closed is not None:
                steps.append(
                    bulk.Step(action="close_unsatisfied", at=closed, actor_name=HISTORY_NOTE, note=HISTORY_NOTE)
                )
            return steps
        if status == Status.CLOSED and closed is not None:
            steps.append(bulk.Step(action="close", at=closed, actor_name=HISTORY_NOTE, note=HISTORY_NOTE))
    return steps


# ---------------------------------------------------------------- the whole file
