"""A case's deadlines through the workflow: the only code that writes Deadline rows and the petition's
due_date / deadline_state (besides the bulk writer, which writes the same rows in memory).

The petitions workflow calls `deadline_open` / `deadline_close` / `deadline_extend` / … inside its own
transaction. The rules in force, the calendar and the arithmetic are `xinfang.deadlines`'s; what is
re-exported here (config_snapshot, rule_max_days, …) lets the workflow use one module for both.
All dates are Asia/Shanghai local dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from xinfang.core.errors import ValidationFailed
from xinfang.core.timeutil import local_date, today
from xinfang.deadlines import engine
from xinfang.deadlines.calendar import WorkCalendar
from xinfang.deadlines.models import Party
from xinfang.deadlines.services import DeadlineConfig as DeadlineConfig
from xinfang.deadlines.services import apply_due, rule_for, state_of
from xinfang.deadlines.services import area_path as area_path
from xinfang.deadlines.services import calendar_load as calendar_load
from xinfang.deadlines.services import config_snapshot as config_snapshot
from xinfang.deadlines.services import rule_max_days as rule_max_days

from ..models import Petition
from .facts import copy_facts
from .models import Deadline

OPEN = Deadline.Status.OPEN

STATE_LABELS = {
    "normal": "正常",
    "soon": "即将到期",
    "overdue": "已超期",
    "met": "已完成",
    "late": "逾期完成",
    "cancelled": "已取消",
    "expired": "已届满",  # a petitioner's window that has run out: not the organ's fault, never 已超期
}


def _petition_area_path(petition: Petition) -> str:
    return petition.area_path or area_path(getattr(petition, "area", None))


def case_refresh(petition: Petition, today_: dt.date, open_organ: list[Deadline] | None = None) -> None:
    """`open_organ`: the case's open organ deadlines when the caller knows them (a new case)."""
    if open_organ is None:
        organ = list(Deadline.objects.filter(petition_id=petition.pk, status=OPEN, party=Party.ORGAN))
    else:
        organ = open_organ
    due: dt.date | None = None
    state = ""
    for deadline in organ:
        current = state_of(deadline, today_)
        if current != deadline.state:
            Deadline.objects.filter(pk=deadline.pk).update(state=current)
            deadline.state = current
    if organ:
        first = min(organ, key=lambda d: (d.effective_due(today_), d.pk))
        due, state = first.effective_due(today_), first.state
    if petition.due_date != due or petition.deadline_state != state:
        # updated_at moves too: Open311's updated_after must see a changed due date.
        Petition.objects.filter(pk=petition.pk).update(due_date=due, deadline_state=state, updated_at=timezone.now())
    petition.due_date = due
    petition.deadline_state = state


@transaction.atomic
def deadline_refresh_petition(*, petition: Petition) -> None:
    """Set petition.due_date / deadline_state from the earliest open organ deadline ("" when none).

    Writes with a queryset update and also sets the attributes on `petition`, so a caller saving other
    fields with update_fields keeps them."""
    case_refresh(petition, today())


# ---------------------------------------------------------------------------------------------------
# Writes called by the workflow


def row_due(deadline: Deadline, cal: WorkCalendar) -> engine.DueResult:
    return engine.compute_due(
        deadline.rule.spec(),
        deadline.start_date,
        cal,
        extension_days=deadline.extension_days,
        paused_days=deadline.paused_days,
        due_override=deadline.due_override,
        override_note=deadline.note,
    )


def _get_open_locked(petition: Petition, code: str) -> Deadline | None:
    return (
        Deadline.objects.select_for_update(of=("self",))
        .select_related("rule")
        .filter(petition_id=petition.pk, code=code, status=OPEN)
        .first()
    )


def deadline_draft(
    *,
    petition: Petition,
    code: str,
    start: dt.date,
    due_override: dt.date | None = None,
    note: str = "",
    config: DeadlineConfig | None = None,
) -> Deadline:
    """The deadline `code` as `deadline_open` writes it -- rule, due date, basis, state -- computed but not
    attached to the case nor saved. Registration computes the new case's first limit this way before the
    case has its number and key (the office's number counter stays locked from then to the commit), and
    writes it afterwards with its first event (`deadline_attach`, `petitions.intake_write`,
    `deadline_opened`)."""
    config = config or config_snapshot()
    rule, fallback = rule_for(
        code=code, area=_petition_area_path(petition), on=local_date(petition.received_at), config=config
    )
    deadline = Deadline(
        code=code,
        rule=rule,
        party=rule.party,
        start_date=start,
        due_override=due_override,
        note=note[:200],
    )
    apply_due(deadline, row_due(deadline, config.calendar))
    if fallback:
        deadline.basis = f"{deadline.basis}；{fallback}"
    deadline.state = state_of(deadline, today()) if rule.party == Party.ORGAN else Deadline.State.NORMAL
    return deadline


def deadline_open(
    *,
    petition: Petition,
    code: str,
    start: dt.date,
    due_override: dt.date | None = None,
    note: str = "",
    config: DeadlineConfig | None = None,
) -> Deadline:
    """Open the deadline `code` for a case, counted from `start` (the day of the start event).

    The rule is the one in force for the petition's area on the day it was received (cases keep the
    rule version they started under). An open deadline of the same code is cancelled first, and in the
    same statement the case's earlier limits of the code are marked `shares_code`, as this one is then.
    `due_override` (a 交办 deadline set by the dispatcher) replaces the computed date; the basis says so.
    (A new case's first limit is not opened here: registration drafts it with `deadline_draft` and writes it
    with its first event, `petitions.intake_write`, then `deadline_opened(new_case=True)`.)
    """
    with transaction.atomic(savepoint=False):
        is_open = Q(status=OPEN)
        earlier = Deadline.objects.filter(petition_id=petition.pk, code=code).update(
            shares_code=True,
            status=Case(When(is_open, then=Value(Deadline.Status.CANCELLED.value)), default=F("status")),
            closed_at=Case(When(is_open, then=Value(timezone.now())), default=F("closed_at")),
        )
        deadline = deadline_draft(
            petition=petition, code=code, start=start, due_override=due_override, note=note, config=config
        )
        deadline_attach(deadline, petition, shares_code=earlier > 0)
        deadline.save(force_insert=True)
        deadline_opened(deadline, petition, new_case=False)
    return deadline


def deadline_attach(deadline: Deadline, petition: Petition, *, shares_code: bool = False) -> None:
    """What an opened limit carries of its case, set on the unsaved row (`deadline_open`, and the new case's
    first limit written with its other rows by `petitions.intake_write`)."""
    deadline.petition = petition
    deadline.shares_code = shares_code
    copy_facts(deadline, petition)


def deadline_opened(deadline: Deadline, petition: Petition, *, new_case: bool) -> None:
    """After the limit's INSERT: the case's due date and state. `new_case`: the case was inserted in this
    transaction and this is its only limit (registration), so it alone decides the due date."""
    organ = [deadline] if deadline.party == Party.ORGAN else []
    case_refresh(petition, today(), open_organ=organ if new_case else None)


def deadline_preview(draft: Deadline) -> tuple[dt.date | None, str]:
    """The case's (due_date, deadline_state) once the drafted deadline is open on a case with no other
    open deadline; (None, "") when the limit binds the petitioner, not the organ."""
    if draft.party != Party.ORGAN:
        return None, ""
    return draft.effective_due(today()), draft.state


@transaction.atomic
def deadline_close(*, petition: Petition, code: str, at: dt.datetime | None = None) -> Deadline | None:
    """Mark the open deadline `code` met, or late when the closing day is after its due date.
    Returns None when none is open."""
    deadline = _get_open_locked(petition, code)
    if deadline is None:
        return None
    at = at or timezone.now()
    day = local_date(at)
    if deadline.pause_started:
        deadline.paused_days += max((day - deadline.pause_started).days, 0)
        deadline.due_date = deadline.effective_due(day)
        deadline.pause_started = None
    deadline.status = Deadline.Status.LATE if day > deadline.due_date else Deadline.Status.MET
    deadline.closed_at = at
    deadline.save(update_fields=["status", "closed_at", "paused_days", "due_date", "pause_started"])
    case_refresh(petition, today())
    return deadline


@transaction.atomic
def deadline_cancel_all(*, petition: Petition, party: str | None = None) -> int:
    """Cancel the open deadlines of a case (all of them, or only party="organ" / "petitioner")."""
    qs = Deadline.objects.filter(petition_id=petition.pk, status=OPEN)
    if party:
        if party not in Party.values:
            raise ValidationFailed(f"未知的期限约束方：{party}", field="party")
        qs = qs.filter(party=party)
    count = qs.update(status=Deadline.Status.CANCELLED, closed_at=timezone.now())
    case_refresh(petition, today())
    return count


def deadline_get_open(*, petition: Petition, code: str) -> Deadline | None:
    return Deadline.objects.select_related("rule").filter(petition_id=petition.pk, code=code, status=OPEN).first()


def deadline_window_open(*, petition: Petition, code: str, on: dt.date | None = None) -> bool:
    """True iff the deadline `code` is open and `on` (today by default) is not after its due date."""
    on = on or today()
    deadline = deadline_get_open(petition=petition, code=code)
    return deadline is not None and on <= deadline.effective_due(on)


@transaction.atomic
def deadline_extend(*, petition: Petition, code: str = "handle", days: int) -> Deadline:
    """Add `days` calendar days to the open deadline's current due date (Art 34: 延长不超过30日).

    The total extension may not exceed the `extension` rule in force for the case (30 nationally)."""
    deadline = _get_open_locked(petition, code)
    if deadline is None:
        raise ValidationFailed("该事项没有进行中的办理期限，不能延期", field="days")
    received = local_date(petition.received_at)
    limit = rule_max_days(code="extension", area=_petition_area_path(petition), on=received)
    if days < 1:
        raise ValidationFailed("延长天数至少为1日", field="days")
    if deadline.extension_days + days > limit:
        left = limit - deadline.extension_days
        if deadline.extension_days:
            raise ValidationFailed(
                f"延长期限累计不得超过{limit}日（已延长{deadline.extension_days}日，最多还可延长{max(left, 0)}日）",
                field="days",
            )
        raise ValidationFailed(f"延长期限不得超过{limit}日", field="days")
    deadline.extension_days += days
    apply_due(deadline, row_due(deadline, calendar_load()))
    deadline.save(update_fields=["extension_days", "base_due_date", "due_date", "estimated", "basis"])
    case_refresh(petition, today())
    return deadline


@transaction.atomic
def deadline_pause(*, petition: Petition, code: str, on: dt.date | None = None) -> Deadline:
    """Stop the clock (Art 36: 听证所需时间不计算在内) from `on` (today by default)."""
    deadline = _get_open_locked(petition, code)
    if deadline is None:
        raise ValidationFailed("该事项没有进行中的此项期限", field="code")
    if deadline.pause_started:
        raise ValidationFailed("期限已暂停计算", field="code")
    deadline.pause_started = on or today()
    deadline.save(update_fields=["pause_started"])
    case_refresh(petition, today())
    return deadline


@transaction.atomic
def deadline_resume(*, petition: Petition, code: str, on: dt.date | None = None) -> Deadline:
    """Restart the clock; the days paused are added to the due date."""
    deadline = _get_open_locked(petition, code)
    if deadline is None:
        raise ValidationFailed("该事项没有进行中的此项期限", field="code")
    if not deadline.pause_started:
        raise ValidationFailed("期限未暂停，无需恢复", field="code")
    on = on or today()
    deadline.paused_days += max((on - deadline.pause_started).days, 0)
    deadline.pause_started = None
    apply_due(deadline, row_due(deadline, calendar_load()))
    deadline.save(update_fields=["paused_days", "pause_started", "base_due_date", "due_date", "estimated", "basis"])
    case_refresh(petition, today())
    return deadline


# ---------------------------------------------------------------------------------------------------
# Display


@dataclass(frozen=True)
class DeadlineView:
    id: int
    name: str
    code: str
    party: str
    start_date: dt.date
    due_date: dt.date
    days_left: int
    state: str
    state_label: str
    estimated: bool
    basis: str
    status: str
    paused: bool
    extension_days: int
    legal_basis: str

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


def petition_deadlines(*, petition: Petition, rows: list[Deadline] | None = None) -> list[DeadlineView]:
    """Every deadline of the case for display, open ones first (earliest due first). `rows`: all of
    the case's deadlines when the caller has them (a case registered a moment ago)."""
    today_ = today()
    rows = list(Deadline.objects.select_related("rule").filter(petition_id=petition.pk) if rows is None else rows)
    rows.sort(key=lambda d: (d.status != OPEN, d.due_date if d.status == OPEN else dt.date.min, -d.pk))
    views = []
    for d in rows:
        due = d.effective_due(today_) if d.status == OPEN else d.due_date
        days_left = (due - today_).days
        if d.status != OPEN:
            state = d.status
        elif d.party == Party.PETITIONER:
            state = "expired" if days_left < 0 else state_of(d, today_)
        else:
            state = state_of(d, today_)
        basis = d.basis + ("；听证中，暂停计算期限" if d.status == OPEN and d.pause_started else "")
        views.append(
            DeadlineView(
                id=d.pk,
                name=d.rule.name,
                code=d.code,
                party=d.party,
                start_date=d.start_date,
                due_date=due,
                days_left=days_left,
                state=state,
                state_label=STATE_LABELS[state],
                estimated=d.estimated,
                basis=basis,
                status=d.status,
                paused=bool(d.pause_started),
                extension_days=d.extension_days,
                legal_basis=d.rule.legal_basis,
            )
        )
    return views
