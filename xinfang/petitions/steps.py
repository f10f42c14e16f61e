"""What each workflow step does to a case, defined once, as plain data.

`effect(petition, action, at=…, …)` looks at the case as it is and the step's inputs and returns the
target state, the timeline event (note, public text, data, the unit it belongs to), the field updates
and the deadline operations. It reads and writes nothing: `services` applies an Effect through the ORM
and `deadlines.services`; `bulk` (import, generator) applies it to its in-memory case and its batch
deadline helper. Validation (who may act, which inputs are required) stays with the services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xinfang.accounts.models import Unit
from xinfang.core.errors import InvalidTransition, ValidationFailed
from xinfang.core.timeutil import local_date

from . import notices
from .models import Channel, DispatchMode, Outcome, Petition, Rating, ReviewOutcome
from .workflow import Action, Status, allowed, target_of


@dataclass(frozen=True)
class DeadlineOp:
    """One call to the deadline scheduler: open / close / cancel_all / extend / pause / resume."""

    op: str
    code: str = ""
    start: dt.date | None = None
    due_override: dt.date | None = None
    note: str = ""
    party: str | None = None
    days: int = 0


@dataclass
class Effect:
    action: Action
    current: Status
    target: Status
    note: str = ""
    public_text: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    unit: Unit | None = None  # the organ the event belongs to when no actor's unit says it (bulk path)
    fields: dict[str, Any] = field(default_factory=dict)
    deadlines: list[DeadlineOp] = field(default_factory=list)


def _open(code: str, day: dt.date, **kw: Any) -> DeadlineOp:
    return DeadlineOp("open", code, start=day, **kw)


def _close(code: str) -> DeadlineOp:
    return DeadlineOp("close", code)


def _cancel_all(party: str | None = None) -> DeadlineOp:
    return DeadlineOp("cancel_all", party=party)


OFFICE_SIDE = (Action.REGISTER, Action.DISPATCH, Action.HANDLE_DIRECTLY, Action.CLOSE)
CITIZEN_SIDE = (Action.RATE, Action.RATE_UNSATISFIED, Action.REQUEST_REVIEW, Action.REQUEST_RECHECK)


def rating_action(rating: str) -> Action:
    """The workflow action a rating is: 满意 / 基本满意 close the case (RATE), 不满意 sends it back to the office
    to decide (RATE_UNSATISFIED → 不满意待研判). Services and the bulk path both ask here."""
    return Action.RATE_UNSATISFIED if rating == Rating.UNSATISFIED else Action.RATE


def registration_note(*, channel: str, is_group: bool, is_repeat: bool, is_skip_level: bool, extra: str = "") -> str:
    flags = [
        label for flag, label in ((is_group, "集体访"), (is_repeat, "重复信访"), (is_skip_level, "越级信访")) if flag
    ]
    if extra:
        flags.append(extra)
    return "；".join([f"{Channel(channel).label}登记", *flags])


def effect(
    p: Petition,
    action: Action | str,
    *,
    at: dt.datetime,
    note: str = "",
    public: bool = False,
    unit: Unit | None = None,
    mode: str = DispatchMode.TRANSFER,
    assign_due_date: dt.date | None = None,
    days: int = 0,
    outcome: str = "",
    facts: str = "",
    reasons: str = "",
    basis: str = "",
    text: str = "",
    completion_report: str = "",
    rating: str = "",
    comment: str = "",
    via: str = "portal",
    reason: str = "",
    legal_route: str = "other",
    final: bool = False,
    above: Unit | None = None,
) -> Effect:
    """The effect of `action` on `p` at `at` (inputs already validated by the caller)."""
    act, cur = Action(action), Status(p.status)
    if not allowed(cur, act):
        raise InvalidTransition(f"该信访事项当前为“{cur.label}”，不能执行“{act.label}”")
    day = local_date(at)
    if act in OFFICE_SIDE:
        ev_unit: Unit | None = p.office_unit
    elif act in CITIZEN_SIDE:
        ev_unit = None
    elif act in (Action.DECIDE_REVIEW, Action.DECIDE_RECHECK):
        ev_unit = p.review_unit
    else:
        ev_unit = p.current_unit or p.office_unit
    e = Effect(act, cur, target_of(cur, act), note=note, unit=ev_unit)
    f, ops = e.fields, e.deadlines
    current_name = p.current_unit.name if p.current_unit else ""
    if act == Action.REGISTER:
        e.public_text = notices.submission_registered(office=p.office_unit.name)
        f["registered_at"] = at
    elif act == Action.DISPATCH:
        if unit is None:
            raise ValidationFailed("转送交办须指定承办单位", field="unit")
        e.public_text = notices.dispatched(
            day=day, office=p.office_unit.name, mode_label=str(DispatchMode(mode).label), unit=unit.name
        )
        e.data = {
            "unit": unit.pk,
            "unit_name": unit.name,
            "mode": mode,
            "assign_due_date": assign_due_date.isoformat() if assign_due_date else None,
        }
        f.update(
            current_unit=unit,
            current_path=unit.path,
            dispatch_mode=mode,
            assign_due_date=assign_due_date if mode == DispatchMode.ASSIGN else None,
            dispatched_at=at,
        )
        ops += [_close("transfer"), _open("notify_acceptance", day), _open("objection", day)]
    elif act == Action.HANDLE_DIRECTLY:
        e.public_text = notices.handled_directly(office=p.office_unit.name)
        f.update(
            current_unit=p.office_unit, current_path=p.office_path, dispatch_mode=DispatchMode.DIRECT, accepted_at=at
        )
        ops += [_close("transfer"), _open("handle", day)]
    elif act == Action.REJECT:
        kind = "不再受理" if final else "不予受理"
        e.note = f"{kind}：{reason}"
        e.public_text = notices.rejected(kind=kind, reason=reason, legal_route=legal_route)
        e.data = {"kind": kind, "legal_route": legal_route}
        f.update(not_accepted_reason=e.note, legal_route=legal_route, closed_at=at)
        ops.append(_cancel_all())
    elif act == Action.ACCEPT:
        e.public_text = notices.accepted(unit=current_name, day=day)
        f["accepted_at"] = at
        ops += [_close("notify_acceptance"), _close("objection")]
        ops.append(_open("handle", day, due_override=p.assign_due_date))
    elif act == Action.OBJECT:
        e.note = f"异议理由：{reason}"
        e.data = {"unit": p.current_unit.pk if p.current_unit else None, "unit_name": current_name}
        f.update(current_unit=None, current_path="", dispatch_mode="", assign_due_date=None)
        ops += [
            _close("objection"),
            _cancel_all("organ"),
            _open("transfer", day, note="承办单位提出异议后退回重新分办"),
        ]
    elif act in (Action.NOTE, Action.MEDIATE):
        e.public_text = note if public else ""
    elif act == Action.REQUEST_EXTENSION:
        e.note, e.data = f"申请延期{days}日：{reason}", {"days": days}
        f.update(extension_days_requested=days, extension_reason=reason)
    elif act in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
        asked = p.extension_days_requested or 0
        e.data = {"days": asked}
        if act == Action.APPROVE_EXTENSION:
            e.note = note or f"同意延期{asked}日"
            e.public_text = notices.extended(reason=p.extension_reason, days=asked)
            ops.append(DeadlineOp("extend", "handle", days=asked))
        else:
            e.note = note or "不同意延期"
        f["extension_days_requested"] = None
    elif act == Action.SUBMIT_REPLY:
        label = Outcome(outcome).label if outcome else "未记录"
        e.note, e.data = f"处理意见：{label}", {"outcome": outcome}
        f.update(
            reply_outcome=outcome,
            reply_facts=facts,
            reply_reasons=reasons,
            reply_basis=basis,
            reply_opinion=text,
            completion_report=completion_report.strip(),
        )
    elif act == Action.APPROVE_REPLY:
        e.note = note or "审批通过"
        label = str(Outcome(p.reply_outcome).label) if p.reply_outcome else "未记录"
        e.public_text = notices.replied(unit=current_name, outcome_label=label, opinion=p.reply_opinion)
        e.data = {"outcome": p.reply_outcome}
        f["replied_at"] = at
        ops += [_close("handle"), _open("review_request", day)]
    elif act == Action.RETURN_REPLY:
        e.note = f"退回修改：{note}"
    elif act in (Action.RATE, Action.RATE_UNSATISFIED):
        label = str(Rating(rating).label)
        unsatisfied = act == Action.RATE_UNSATISFIED
        e.note = f"评价：{label}。{comment}".strip()
        e.public_text = notices.rated(rating_label=label, unsatisfied=unsatisfied)
        e.data = {"rating": rating, "via": via}
        f.update(rating=rating, rating_comment=(comment or "").strip(), rated_at=at)
        if not unsatisfied:
            f["closed_at"] = at
            ops.append(_cancel_all("organ"))
    elif act == Action.REHANDLE:
        e.note = f"责成重新办理：{reason}"
        e.public_text = notices.rehandle(unit=current_name)
        e.data = {"unit": p.current_unit.pk if p.current_unit else None}
        f["replied_at"] = None
        ops += [_cancel_all("petitioner"), _open("handle", day, note="信访人不满意，责成重新办理")]
    elif act == Action.CLOSE_UNSATISFIED:
        cu = p.current_unit
        above_name = cu.parent.name if cu and cu.parent_id and cu.parent else "承办单位的上一级机关"
        e.public_text = notices.closed_after_unsatisfied(above=above_name)
        f["closed_at"] = at
        ops.append(_cancel_all("organ"))
    elif act == Action.CLOSE:
        e.note = note or "办结归档"
        f["closed_at"] = at
        ops.append(_cancel_all("organ"))
    elif act in (Action.REQUEST_REVIEW, Action.REQUEST_RECHECK):
        review = act == Action.REQUEST_REVIEW
        if above is None:
            below = p.current_unit if review else p.review_unit
            above = below.parent if below else None
        if above is None:
            raise ValidationFailed(
                "承办单位没有上一级机关" if review else "复查机关没有上一级机关", field="review_unit"
            )
        e.note = reason
        e.public_text = notices.review_requested(label="复查" if review else "复核", unit=above.name)
        e.data = {"review_unit": above.pk}
        f.update(review_unit=above, review_level=1 if review else 2, closed_at=None)
        window, decision = ("review_request", "review_decision") if review else ("recheck_request", "recheck_decision")
        ops += [_close(window), _open(decision, day)]
    elif act == Action.DECIDE_REVIEW:
        label = str(ReviewOutcome(outcome).label)
        e.note, e.data = label, {"outcome": outcome}
        e.public_text = notices.review_decided(outcome_label=label, text=text)
        f.update(review_outcome=outcome, review_text=text)
        ops += [_close("review_decision"), _open("recheck_request", day)]
    elif act == Action.DECIDE_RECHECK:
        label = str(ReviewOutcome(outcome).label)
        e.note, e.data = label, {"outcome": outcome}
        e.public_text = notices.recheck_decided(outcome_label=label, text=text)
        f.update(recheck_outcome=outcome, recheck_text=text, closed_at=at)
        ops.append(_cancel_all())
    elif act == Action.RETURN_VISIT:
        # `via` carries the method; `final` whether the petitioner was reached; rating and comment as said.
        method_label = {"phone": "电话", "sms": "短信", "visit": "上门", "interview": "当面"}.get(via, via)
        said = f"，评价：{Rating(rating).label}" if rating else ""
        e.note = (
            f"回访（{method_label}）："
            + ("已联系上" if final else "未联系上")
            + said
            + (f"。{comment}" if comment else "")
        )
        if via == "sms":
            e.public_text = notices.return_visit(number=p.number)
        e.data = {"method": via, "reached": final, "rating": rating}
    elif act in (Action.START_HEARING, Action.END_HEARING):
        start = act == Action.START_HEARING
        f["hearing_open"] = start
        ops.append(DeadlineOp("pause" if start else "resume", "recheck_decision"))
    else:  # ATTACH, RELEASE_IDENTITY, TAKE_ON …: an event only; the services add what they store
        pass
    return e
