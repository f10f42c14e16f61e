"""The responsible unit: accept, object, notes, extension, reply and its approval."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from xinfang.core.errors import DeadlinePassed, InvalidTransition, ValidationFailed
from xinfang.core.timeutil import local_date
from xinfang.petitions.deadlines import schedule as deadlines

from .. import steps
from ..models import (
    DispatchMode,
    Outcome,
    Petition,
)
from ..workflow import Action, Status, allowed
from ._common import (
    _apply,
    _lock,
    _require,
)

# ---------------------------------------------------------------- responsible unit


@transaction.atomic
def petition_accept(*, actor: Any, petition_id: int, note: str = "") -> Petition:
    """受理, with the written 受理告知 to the petitioner (Art 23(3)); opens the 60-day limit (Art 34)."""
    petition = _lock(petition_id)
    return _apply(petition, steps.effect(petition, Action.ACCEPT, at=timezone.now(), note=note), actor=actor)


@transaction.atomic
def petition_object(*, actor: Any, petition_id: int, reason: str) -> Petition:
    """异议: "not ours", within 5 working days of receipt (Art 23(3)); back to the dispatcher."""
    petition = _lock(petition_id)
    reason = _require(reason, "请说明异议理由（为何不属于本单位职责）", "reason")
    if not allowed(petition.status, Action.OBJECT):
        raise InvalidTransition(f"该信访事项当前为“{Status(petition.status).label}”，不能提出异议")
    if not deadlines.deadline_window_open(petition=petition, code="objection"):
        raise DeadlinePassed("已超过收到后5个工作日的异议期限（《信访工作条例》第二十三条），请受理并办理")
    return _apply(petition, steps.effect(petition, Action.OBJECT, at=timezone.now(), reason=reason), actor=actor)


@transaction.atomic
def petition_add_note(
    *, actor: Any, petition_id: int, note: str, mediation: bool = False, public: bool = False
) -> Petition:
    """办理记录 / 调解记录 (Art 33). No change of state."""
    petition = _lock(petition_id)
    note = _require(note, "请填写办理情况", "note")
    action = Action.MEDIATE if mediation else Action.NOTE
    eff = steps.effect(petition, action, at=timezone.now(), note=note, public=public)
    return _apply(petition, eff, actor=actor)


@transaction.atomic
def petition_request_extension(*, actor: Any, petition_id: int, days: int, reason: str) -> Petition:
    """延期 (Art 34): at most 30 days, once, approved by the unit head."""
    petition = _lock(petition_id)
    reason = _require(reason, "请填写延期理由（将告知信访人）", "reason")
    max_days = deadlines.rule_max_days(code="extension", area=petition.area, on=local_date(petition.received_at))
    if not isinstance(days, int) or days < 1 or days > max_days:
        raise ValidationFailed(f"延长期限为1至{max_days}日", field="days")
    if petition.events.filter(action=Action.APPROVE_EXTENSION).exists():
        raise ValidationFailed("办理期限已延长过一次，不能再次延期", field="days")
    eff = steps.effect(petition, Action.REQUEST_EXTENSION, at=timezone.now(), days=days, reason=reason)
    return _apply(petition, eff, actor=actor)


@transaction.atomic
def petition_decide_extension(*, actor: Any, petition_id: int, approve: bool, note: str = "") -> Petition:
    petition = _lock(petition_id)
    action = Action.APPROVE_EXTENSION if approve else Action.REFUSE_EXTENSION
    return _apply(petition, steps.effect(petition, action, at=timezone.now(), note=note), actor=actor)


@transaction.atomic
def petition_submit_reply(
    *,
    actor: Any,
    petition_id: int,
    outcome: str,
    facts: str,
    reasons: str,
    basis: str,
    opinion: str,
    completion_report: str = "",
) -> Petition:
    """The 信访处理意见书 (Art 32): request, facts, reasons, opinion and legal basis; the head approves."""
    petition = _lock(petition_id)
    if outcome not in Outcome.values:
        raise ValidationFailed("请选择处理意见：支持、解释说明或不予支持", field="outcome")
    facts = _require(facts, "请填写查明的事实", "facts")
    reasons = _require(reasons, "请填写处理理由", "reasons")
    basis = _require(basis, "请填写法律政策依据", "basis")
    opinion = _require(opinion, "请填写处理意见书正文", "opinion")
    if petition.dispatch_mode == DispatchMode.ASSIGN:
        completion_report = _require(completion_report, "交办件须同时提交办结报告", "completion_report")
    eff = steps.effect(
        petition,
        Action.SUBMIT_REPLY,
        at=timezone.now(),
        outcome=outcome,
        facts=facts,
        reasons=reasons,
        basis=basis,
        text=opinion,
        completion_report=completion_report,
    )
    return _apply(petition, eff, actor=actor)


@transaction.atomic
def petition_decide_reply(*, actor: Any, petition_id: int, approve: bool, note: str = "") -> Petition:
    """The unit head approves the reply (it goes out to the petitioner) or returns it for changes."""
    petition = _lock(petition_id)
    if not approve:
        note = _require(note, "退回修改时请写明意见", "note")
    action = Action.APPROVE_REPLY if approve else Action.RETURN_REPLY
    return _apply(petition, steps.effect(petition, action, at=timezone.now(), note=note), actor=actor)
