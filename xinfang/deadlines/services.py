"""Deadline services: the only code that writes Deadline rows and the petition's due_date/deadline_state.

The petitions workflow calls `deadline_open` / `deadline_close` / `deadline_extend` / … inside its own
transaction; admin saves of rules and calendar data call `deadlines_recompute`; the
`deadlines_sweep` command moves cases between 正常 / 即将到期 / 已超期 and sends each warning once.
All dates are Asia/Shanghai local dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from xinfang.core import versioned
from xinfang.core.audit import audit_record
from xinfang.core.errors import ValidationFailed
from xinfang.core.notify import notify
from xinfang.core.timeutil import local_date, today
from xinfang.petitions.models import Petition
from xinfang.petitions.timeline import event_record

from . import engine
from .calendar import WorkCalendar
from .models import CalendarOverride, CalendarYear, Deadline, Party, TimeLimitRule

OPEN = Deadline.Status.OPEN

# Who answers for an organ deadline: the unit a warning goes to.
RESPONSIBLE_UNIT_FIELD = {
    "transfer": "office_unit_id",
    "notify_acceptance": "current_unit_id",
    "objection": "current_unit_id",
    "handle": "current_unit_id",
    "review_decision": "review_unit_id",
    "recheck_decision": "review_unit_id",
}

STATE_LABELS = {
    "normal": "正常",
    "soon": "即将到期",
    "overdue": "已超期",
    "met": "已完成",
    "late": "逾期完成",
    "cancelled": "已取消",
    "expired": "已届满",  # a petitioner's window that has run out: not the organ's fault, never 已超期
}


def soon_days() -> int:
    return int(getattr(settings, "XINFANG_DEADLINE_SOON_DAYS", 3))


def soon_ratio() -> float:
    return float(getattr(settings, "XINFANG_DEADLINE_SOON_RATIO", 0.2))


# ---------------------------------------------------------------------------------------------------
# Reads: rules and calendar


@dataclass(frozen=True)
class DeadlineConfig:
    rules: dict[str, list[TimeLimitRule]]  # active rules by code
    calendar: WorkCalendar


# The rules, holiday overrides and notice years: every save, delete and bulk write renews this token
# (core.versioned; models.CONFIG_VERSION), and every worker then reloads them.
CONFIG_VERSION = "deadlines"


def config_changed(**_kwargs: Any) -> None:
    """A new token, so every worker reloads the rules and the calendar. Runs in the caller's
    transaction: a rollback restores the old token along with the data."""
    versioned.bump(CONFIG_VERSION)


def _load_config() -> DeadlineConfig:
    rules: dict[str, list[TimeLimitRule]] = {}
    for rule in TimeLimitRule.objects.filter(active=True).order_by("pk"):
        rules.setdefault(rule.code, []).append(rule)
    overrides = {row.date: (row.kind, row.note) for row in CalendarOverride.objects.all()}
    years = CalendarYear.objects.values_list("year", flat=True)
    return DeadlineConfig(rules=rules, calendar=WorkCalendar(overrides, years))


def config_snapshot() -> DeadlineConfig:
    """The active rules and the working calendar, from memory while the stored token is unchanged.
    A caller that opens several deadlines in one transaction may take one snapshot and pass it on."""
    return versioned.cached(CONFIG_VERSION, "config", _load_config)


def calendar_load() -> WorkCalendar:
    """The working calendar: the chinesecalendar package beaten by the admin's override table."""
    return config_snapshot().calendar


def _area_path(area: Any) -> str:
    if area is None:
        return ""
    if isinstance(area, str):
        return area
    return str(getattr(area, "path", "") or "")


def _petition_area_path(petition: Petition) -> str:
    return petition.area_path or _area_path(getattr(petition, "area", None))


def rule_in_force(*, code: str, area: Any, on: dt.date, config: DeadlineConfig | None = None) -> TimeLimitRule | None:
    """The most local active rule for `code` in force on `on`: a county rule beats a city rule beats a
    province rule beats the national one; among equals the latest effective_from wins."""
    path = _area_path(area)
    rules = (config or config_snapshot()).rules.get(code, [])
    candidates = [r for r in rules if r.in_force(on) and r.applies_to(path)]
    if not candidates:
        return None
    candidates.sort(key=lambda r: (len(r.area_code), r.effective_from, r.pk), reverse=True)
    return candidates[0]


def rule_for(*, code: str, area: Any, on: dt.date, config: DeadlineConfig | None = None) -> tuple[TimeLimitRule, str]:
    """Like rule_in_force, but a date before every version (an old case imported today) falls back to
    the earliest version that applies, and says so."""
    config = config or config_snapshot()
    rule = rule_in_force(code=code, area=area, on=on, config=config)
    if rule is not None:
        return rule, ""
    path = _area_path(area)
    later = [r for r in config.rules.get(code, []) if r.effective_from > on and r.applies_to(path)]
    if later:
        later.sort(key=lambda r: (r.effective_from, -len(r.area_code), r.pk))
        return later[
            0
        ], f"{engine.cn_date(on)}时无生效规则，按{engine.cn_date(later[0].effective_from)}起施行的规则计算"
    raise ValidationFailed(f"未配置在{engine.cn_date(on)}有效的期限规则“{code}”", field="code")


def rule_max_days(*, code: str, area: Any, on: dt.date) -> int:
    """The number of days of the rule `code` in force for `area` on `on` (e.g. 30 for "extension")."""
    rule, _note = rule_for(code=code, area=area, on=on)
    return int(rule.days)


def rule_codes() -> list[tuple[str, str]]:
    """(code, name) of every code with an active rule, national names first, for the calculator."""
    seen: dict[str, str] = {}
    for rule in TimeLimitRule.objects.filter(active=True).order_by("code", "area_code", "-effective_from"):
        seen.setdefault(rule.code, rule.name)
    return list(seen.items())


def calendar_missing_years(*, on: dt.date | None = None) -> list[int]:
    """Years whose holidays neither chinesecalendar nor a full-year notice in the override table know:
    this year always, and next year from 1 December (the State Council notice is usually out by then)."""
    on = on or today()
    cal = calendar_load()
    years = [on.year] + ([on.year + 1] if on.month == 12 else [])
    return cal.missing_years(years)


@dataclass(frozen=True)
class Calculation:
    rule: TimeLimitRule
    result: engine.DueResult


def deadline_calculate(*, code: str, start: dt.date, area_code: str = "") -> Calculation:
    """For the calculator: the due date of rule `code` started on `start` in area `area_code` (optional)."""
    from xinfang.accounts.models import Area

    path = ""
    if area_code:
        area = Area.objects.filter(code=area_code.strip()).first()
        if area is None:
            raise ValidationFailed(f"未知的区划代码：{area_code}", field="area")
        path = area.path
    if not TimeLimitRule.objects.filter(code=code, active=True).exists():
        raise ValidationFailed(f"未知的期限规则：{code}", field="rule")
    rule, fallback = rule_for(code=code, area=path, on=start)
    result = engine.compute_due(rule.spec(), start, calendar_load())
    if fallback:
        result = _with_basis(result, f"{result.basis}；{fallback}")
    return Calculation(rule=rule, result=result)


def _with_basis(result: engine.DueResult, basis: str) -> engine.DueResult:
    return engine.DueResult(
        start=result.start,
        base_due=result.base_due,
        due=result.due,
        estimated=result.estimated,
        basis=basis,
        skipped=result.skipped,
        estimated_years=result.estimated_years,
    )


# ---------------------------------------------------------------------------------------------------
# State


def _limit_days(deadline: Deadline, today_: dt.date) -> int:
    return (deadline.effective_due(today_) - deadline.start_date).days


def state_of(deadline: Deadline, today_: dt.date) -> str:
    return engine.deadline_state(
        due=deadline.effective_due(today_),
        today=today_,
        limit_days=_limit_days(deadline, today_),
        soon_days=soon_days(),
        soon_ratio=soon_ratio(),
    )


def _refresh(petition: Petition, today_: dt.date, open_organ: list[Deadline] | None = None) -> None:
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
    _refresh(petition, today())


# ---------------------------------------------------------------------------------------------------
# Writes called by the workflow


def apply_due(deadline: Deadline, result: engine.DueResult) -> None:
    """Copy a computation onto the row. A petitioner's window never shrinks once announced."""
    new_due = result.due
    basis = result.basis
    if deadline.pk and deadline.party == Party.PETITIONER and deadline.due_date and new_due < deadline.due_date:
        basis = (
            f"{basis}；重新计算为{engine.cn_date(new_due)}，早于已告知的{engine.cn_date(deadline.due_date)}，"
            f"信访人的期限不缩短，仍以{engine.cn_date(deadline.due_date)}为准"
        )
        new_due = deadline.due_date
    deadline.base_due_date = result.base_due
    deadline.due_date = new_due
    deadline.estimated = result.estimated
    deadline.basis = basis


def _compute(deadline: Deadline, cal: WorkCalendar) -> engine.DueResult:
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
    opens it afterwards with `deadline_open(draft=…)`."""
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
    apply_due(deadline, _compute(deadline, config.calendar))
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
    new_case: bool = False,
    config: DeadlineConfig | None = None,
    draft: Deadline | None = None,
) -> Deadline:
    """Open the deadline `code` for a case, counted from `start` (the day of the start event).

    The rule is the one in force for the petition's area on the day it was received (cases keep the
    rule version they started under). An open deadline of the same code is cancelled first.
    `due_override` (a 交办 deadline set by the dispatcher) replaces the computed date; the basis says so.
    `new_case`: the case was inserted in this transaction and has no deadline yet (registration), so
    there is nothing to cancel and this deadline alone decides the case's due date.
    `draft`: this deadline as `deadline_draft` computed it for the same code and start (not computed again).
    """
    if draft is not None and ((draft.code, draft.start_date) != (code, start) or draft.pk is not None):
        raise ValueError(f"deadline_open: the draft is for {draft.code} from {draft.start_date}, not {code}")
    with transaction.atomic(savepoint=False):
        if not new_case:
            Deadline.objects.filter(petition_id=petition.pk, code=code, status=OPEN).update(
                status=Deadline.Status.CANCELLED, closed_at=timezone.now()
            )
        deadline = draft or deadline_draft(
            petition=petition, code=code, start=start, due_override=due_override, note=note, config=config
        )
        deadline.petition = petition
        deadline.save(force_insert=True)
        organ = [deadline] if deadline.party == Party.ORGAN else []
        _refresh(petition, today(), open_organ=organ if new_case else None)
    return deadline


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
    _refresh(petition, today())
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
    _refresh(petition, today())
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
    apply_due(deadline, _compute(deadline, calendar_load()))
    deadline.save(update_fields=["extension_days", "base_due_date", "due_date", "estimated", "basis"])
    _refresh(petition, today())
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
    _refresh(petition, today())
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
    apply_due(deadline, _compute(deadline, calendar_load()))
    deadline.save(update_fields=["paused_days", "pause_started", "base_due_date", "due_date", "estimated", "basis"])
    _refresh(petition, today())
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


# ---------------------------------------------------------------------------------------------------
# Recompute (rule, override or calendar changed) and the sweep


@transaction.atomic
def deadlines_recompute(*, reason: str) -> int:
    """Recompute every open deadline (except dispatcher-fixed 交办 dates) with the current rules and
    calendar. Each case whose due date (or 预计 flag) changed gets a timeline event. Returns that count."""
    config_changed()  # also after edits made with SQL behind the application's back
    cal = calendar_load()
    today_ = today()
    changed = 0
    touched: dict[int, Petition] = {}
    qs = (
        Deadline.objects.select_for_update(of=("self",))
        .select_related("rule", "petition")
        .filter(status=OPEN, due_override__isnull=True)
        .order_by("id")
    )
    for deadline in qs:
        old_due, old_estimated, old_basis = deadline.due_date, deadline.estimated, deadline.basis
        old_base = deadline.base_due_date
        apply_due(deadline, _compute(deadline, cal))
        deadline.party = deadline.rule.party
        if (deadline.due_date, deadline.estimated, deadline.basis, deadline.base_due_date) == (
            old_due,
            old_estimated,
            old_basis,
            old_base,
        ):
            continue
        deadline.save(update_fields=["base_due_date", "due_date", "estimated", "basis", "party"])
        touched[deadline.petition_id] = deadline.petition
        if deadline.due_date == old_due and deadline.estimated == old_estimated:
            continue  # wording only
        changed += 1
        name = deadline.rule.name
        if deadline.due_date != old_due:
            note = (
                f"期限重新计算（{reason}）：{name}到期日由{engine.cn_date(old_due)}"
                f"调整为{engine.cn_date(deadline.due_date)}"
            )
        else:
            note = f"期限重新计算（{reason}）：{name}到期日{engine.cn_date(deadline.due_date)}" + (
                "为预计日期" if deadline.estimated else "已确定，不再为预计"
            )
        event_record(
            petition=deadline.petition,
            action="deadline_recomputed",
            note=note,
            data={
                "code": deadline.code,
                "old_due": old_due.isoformat(),
                "new_due": deadline.due_date.isoformat(),
                "estimated": deadline.estimated,
                "reason": reason,
            },
        )
    for petition in touched.values():
        _refresh(petition, today_)
    if changed:
        audit_record(actor="系统", action="deadlines.recompute", data={"reason": reason, "changed": changed})
    return changed


def _unit_for(deadline: Deadline, petition: Petition) -> int | None:
    field = RESPONSIBLE_UNIT_FIELD.get(deadline.code, "current_unit_id")
    return getattr(petition, field, None) or petition.current_unit_id or petition.office_unit_id


def _warn(deadline: Deadline, petition: Petition, state: str, today_: dt.date) -> bool:
    due = deadline.effective_due(today_)
    left = (due - today_).days
    name = deadline.rule.name
    if state == engine.SOON:
        subject = f"【即将到期】{petition.number} {name}将于{engine.cn_date(due)}到期（剩{left}天）"
    else:
        subject = f"【已超期】{petition.number} {name}已于{engine.cn_date(due)}到期，超期{-left}天"
    body = f"{petition.title}\n{deadline.basis}"
    sent = notify(
        kind=f"deadline_{state}",
        subject=subject,
        body=body,
        unit_id=_unit_for(deadline, petition),
        petition_id=petition.pk,
        dedupe_key=f"deadline:{deadline.pk}:{state}",
    )
    return sent is not None


def _needs_work(deadline: Deadline, state: str) -> bool:
    return (
        state != deadline.state
        or (state == engine.SOON and not deadline.warned_soon)
        or (state == engine.OVERDUE and not deadline.warned_overdue)
    )


def deadlines_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Move open organ deadlines between 正常 / 即将到期 / 已超期, keep each case's due_date and
    deadline_state current, and send each warning (即将到期, 已超期) once per deadline. Idempotent:
    safe to run every few minutes. Petitioner windows are not swept: they never make a case overdue.

    One unlocked read pass; only rows whose state or warnings are due are locked and written, each in
    its own short transaction (a long sweep never holds locks across the whole table)."""
    today_ = local_date(now) if now else today()
    stats = {"checked": 0, "changed": 0, "soon": 0, "overdue": 0, "notified": 0, "petitions": 0}
    # petition id → (petition, earliest effective due, its state)
    best: dict[int, tuple[Petition, dt.date, str]] = {}
    scan = Deadline.objects.filter(status=OPEN, party=Party.ORGAN).select_related("rule", "petition").order_by("id")
    for seen in scan.iterator(chunk_size=500):
        stats["checked"] += 1
        state = state_of(seen, today_)
        if state in (engine.SOON, engine.OVERDUE):
            stats[state] += 1
        due = seen.effective_due(today_)
        current = best.get(seen.petition_id)
        if current is None or due < current[1]:
            best[seen.petition_id] = (seen.petition, due, state)
        if not _needs_work(seen, state):
            continue
        with transaction.atomic():
            deadline = (
                Deadline.objects.select_for_update(of=("self",))
                .select_related("rule", "petition")
                .filter(pk=seen.pk, status=OPEN)
                .first()
            )
            if deadline is None:
                continue
            state = state_of(deadline, today_)
            fields = []
            if state != deadline.state:
                deadline.state = state
                fields.append("state")
                stats["changed"] += 1
            if state == engine.SOON and not deadline.warned_soon:
                stats["notified"] += _warn(deadline, deadline.petition, state, today_)
                deadline.warned_soon = True
                fields.append("warned_soon")
            if state == engine.OVERDUE and not deadline.warned_overdue:
                stats["notified"] += _warn(deadline, deadline.petition, state, today_)
                deadline.warned_overdue = True
                fields.append("warned_overdue")
            if fields:
                deadline.save(update_fields=fields)
    for petition_id, (petition, due, state) in best.items():
        if (petition.due_date, petition.deadline_state) != (due, state):
            stats["petitions"] += Petition.objects.filter(pk=petition_id).update(
                due_date=due, deadline_state=state, updated_at=timezone.now()
            )
    # Cases whose last organ deadline closed without a refresh still show a state: clear them.
    has_open = Deadline.objects.filter(petition_id=OuterRef("pk"), status=OPEN, party=Party.ORGAN)
    stale = Petition.objects.exclude(deadline_state="").exclude(Exists(has_open))
    stats["petitions"] += stale.update(due_date=None, deadline_state="", updated_at=timezone.now())
    return stats
