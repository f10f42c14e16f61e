"""What the portal reads, and only what the petitioner may see.

A case is shown to the citizen through these functions only: the public timeline (each event's
public_text, never its note, actor or unit fields), the deadlines that concern the citizen, and the
state in plain words. Identity fields stay out except the masked phone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinfang.accounts.models import Area
from xinfang.core.timeutil import local_date
from xinfang.core.validators import is_ascii_digits
from xinfang.petitions import timeline
from xinfang.petitions.deadlines.schedule import petition_deadlines
from xinfang.petitions.models import Category, Event, Petition
from xinfang.petitions.workflow import Status

# The state as the citizen should read it. Internal approval steps (延期待审批, 答复待审批) are the
# unit's own business: the citizen sees "正在办理" until the reply or the extension notice goes out.
STATUS_PLAIN: dict[str, str] = {
    Status.SUBMITTED: "已提交，等待信访部门登记",
    Status.REGISTERED: "信访部门已登记，正在确定有权处理的机关",
    Status.DISPATCHED: "已转送或交办有权处理的机关，等待其受理",
    Status.ACCEPTED: "已受理，正在办理",
    Status.EXTENSION_PENDING: "已受理，正在办理",
    Status.REPLY_PENDING: "已受理，正在办理",
    Status.REPLIED: "已出具处理意见书，请您评价",
    Status.REVISIT: "您评价不满意，信访部门正在回访研判：重新办理，或办结并告知复查途径",
    Status.CLOSED: "已办结",
    Status.NOT_ACCEPTED: "不予受理（理由和解决途径见下方告知）",
    Status.REVIEWING: "复查中",
    Status.REVIEWED: "已出具复查意见书",
    Status.RECHECKING: "复核中",
    Status.FINAL: "复核终结，同一事实和理由不再受理",
}

STEP_TITLES = timeline.PUBLIC_TITLES  # one list for the portal and the staff page's "信访人看到" label

# Deadline codes that concern the citizen, in the citizen's words. `objection` (5 working days for a
# unit to refuse a transferred case) is between organs and is left out.
CITIZEN_DEADLINES: dict[str, str] = {
    "transfer": "信访部门登记后转送、交办",
    "notify_acceptance": "书面告知是否受理",
    "handle": "办理并书面答复",
    "review_decision": "复查机关答复",
    "recheck_decision": "复核机关答复",
    "review_request": "您请求复查的截止日期",
    "recheck_request": "您请求复核的截止日期",
}
PETITIONER_WINDOWS = {"review_request", "recheck_request"}


@dataclass(frozen=True)
class PublicStep:
    date: dt.date
    title: str
    text: str


@dataclass(frozen=True)
class CitizenDeadline:
    code: str
    label: str
    due_date: dt.date
    legal_basis: str
    estimated: bool
    paused: bool
    for_petitioner: bool


def portal_case_get(*, number: str) -> Petition | None:
    number = (number or "").strip()
    if not number or len(number) > 40:
        return None
    return Petition.objects.filter(number=number).first()


def portal_public_steps(*, petition: Petition) -> list[PublicStep]:
    rows = petition.events.filter(public=True).exclude(public_text="").only("at", "action", "public_text")
    return [
        PublicStep(date=local_date(e.at), title=timeline.public_title(e.action), text=e.public_text)
        for e in rows.order_by("at", "id")
        if timeline.shown_to_petitioner(e)
    ]


# The written documents the petitioner may open and print from the portal: the decisions on the case.
DOCUMENT_ACTIONS = ("approve_reply", "decide_review", "decide_recheck", "reject")


def portal_documents(*, petition: Petition) -> list[Event]:
    """The petitioner's own written decisions (处理意见书, 复查/复核意见书, 不予受理告知), newest last."""
    rows = petition.events.filter(public=True, action__in=DOCUMENT_ACTIONS).exclude(public_text="")
    return list(rows.only("id", "at", "action", "public_text", "petition_id", "unit_id").order_by("at", "id"))


def portal_document_get(*, petition: Petition, event_id: int) -> Event | None:
    return next((e for e in portal_documents(petition=petition) if e.pk == event_id), None)


def portal_deadlines(*, petition: Petition) -> list[CitizenDeadline]:
    """Open deadlines the citizen cares about; a petitioner window only while it is still open."""
    out = []
    for d in petition_deadlines(petition=petition):
        if not d.is_open or d.code not in CITIZEN_DEADLINES:
            continue
        mine = d.code in PETITIONER_WINDOWS
        if mine and d.days_left < 0:
            continue
        out.append(
            CitizenDeadline(
                code=d.code,
                label=CITIZEN_DEADLINES[d.code],
                due_date=d.due_date,
                legal_basis=d.legal_basis,
                estimated=d.estimated,
                paused=d.paused,
                for_petitioner=mine,
            )
        )
    return out


def portal_area_choices() -> list[tuple[str, str]]:
    """Counties and townships (街道/乡镇), each township under its county."""
    areas = (
        Area.objects.filter(active=True, level__in=(Area.Level.COUNTY, Area.Level.TOWNSHIP))
        .select_related("parent")
        .order_by("path")
    )
    out: list[tuple[str, str]] = [("", "—— 请选择问题发生地 ——")]
    for a in areas:
        if a.level == Area.Level.TOWNSHIP and a.parent is not None:
            out.append((a.code, f"{a.parent.name} · {a.name}"))
        else:
            out.append((a.code, a.name))
    return out


def portal_area_get(*, code: str) -> Area | None:
    return (
        Area.objects.filter(code=code, active=True, level__in=(Area.Level.COUNTY, Area.Level.TOWNSHIP)).first()
        if code
        else None
    )


def portal_category_choices() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = [("", "—— 请选择（不确定可不选）——")]
    for c in Category.objects.filter(active=True).select_related("parent").order_by("sort_order", "code"):
        out.append((str(c.pk), str(c)))
    return out


def portal_category_get(*, pk: str) -> Category | None:
    return Category.objects.filter(pk=pk, active=True).first() if pk and is_ascii_digits(pk) else None
