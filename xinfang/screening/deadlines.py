"""Resolution deadlines and plan-step states, by the deadline engine (xinfang.deadlines): no date maths here
beyond asking it. A grade's limit counts from the day the dispute was found (次日起算, 民法典 Art 201)."""

from __future__ import annotations

import datetime as dt

from xinfang.core.timeutil import today
from xinfang.deadlines import engine
from xinfang.deadlines.services import calendar_load, soon_days, soon_ratio

from .models import Dispute, PlanStep, RiskGrade


def resolution_due(*, grade: RiskGrade, found_on: dt.date) -> engine.DueResult:
    spec = engine.RuleSpec(
        code=f"dispute.{grade.code}",
        name=f"{grade.name}矛盾纠纷化解期限",
        legal_basis=f"{grade.name}等级化解期限{grade.deadline_days}{'个工作日' if grade.deadline_working else '日'}",
        days=grade.deadline_days,
        unit=engine.WORKING if grade.deadline_working else engine.CALENDAR,
    )
    return engine.compute_due(spec, found_on, calendar_load())


def state_for(*, due: dt.date, start: dt.date, on: dt.date | None = None) -> str:
    """正常 / 即将到期 / 已超期 by the same thresholds as the cases' deadlines."""
    return engine.deadline_state(
        due=due,
        today=on or today(),
        limit_days=(due - start).days,
        soon_days=soon_days(),
        soon_ratio=soon_ratio(),
    )


def dispute_state(dispute: Dispute, *, on: dt.date | None = None) -> str:
    if not dispute.is_open or dispute.outcome == "controlled":
        return ""  # closed, or 稳控中: under control, the clock stops (the board still shows it open)
    return state_for(due=dispute.due_date, start=dispute.found_on, on=on)


def step_state(step: PlanStep, *, start: dt.date, on: dt.date | None = None) -> str:
    if step.done_at is not None:
        return ""
    return state_for(due=step.due_date, start=start, on=on)


STATE_LABELS = {"": "", engine.NORMAL: "正常", engine.SOON: "即将到期", engine.OVERDUE: "已超期"}
