"""The recompute after a rule or calendar change, and the sweep that moves cases between 正常 / 即将到期 /
已超期 and sends each warning once (`manage.py deadlines_sweep`, or the task `petitions.tasks.sweep_deadlines`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from xinfang.core.audit import audit_record
from xinfang.core.timeutil import local_date, today
from xinfang.deadlines import engine
from xinfang.deadlines.models import Party
from xinfang.deadlines.services import apply_due, calendar_load, config_changed, state_of

from .. import messaging
from ..models import Event, Petition
from ..seals import events_seal
from ..timeline import event_record
from .models import Deadline
from .schedule import case_refresh, row_due

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


@transaction.atomic
def deadlines_recompute(*, reason: str) -> int:
    """Recompute every open deadline (except dispatcher-fixed 交办 dates) with the current rules and
    calendar. Each case whose due date (or 预计 flag) changed gets a timeline event. Returns that count."""
    config_changed()  # also after edits made with SQL behind the application's back
    cal = calendar_load()
    today_ = today()
    changed = 0
    touched: dict[int, Petition] = {}
    written: list[Event] = []
    qs = (
        Deadline.objects.select_for_update(of=("self",))
        .select_related("rule", "petition")
        .filter(status=OPEN, due_override__isnull=True)
        .order_by("id")
    )
    for deadline in qs:
        old_due, old_estimated, old_basis = deadline.due_date, deadline.estimated, deadline.basis
        old_base = deadline.base_due_date
        apply_due(deadline, row_due(deadline, cal))
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
        written.append(
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
        )
    for petition in touched.values():
        case_refresh(petition, today_)
    if changed:
        audit_record(
            actor="系统",
            action="deadlines.recompute",
            data={"reason": reason, "changed": changed},
            seal=events_seal(written),
        )
    return changed


def recompute_on_request(*, reason: str, **_kwargs: Any) -> int:
    """Receiver of `xinfang.deadlines.services.recompute_requested` (connected in PetitionsConfig.ready):
    an administrator changed a rule or the calendar."""
    return deadlines_recompute(reason=reason)


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
    # Once per deadline and threshold: the message key is the deadline and the state.
    return messaging.deadline_warning(
        petition,
        deadline_id=deadline.pk,
        state=state,
        unit_id=_unit_for(deadline, petition),
        subject=subject,
        detail=body,
    )


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
