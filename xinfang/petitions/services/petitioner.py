"""What the petitioner does: rate, ask for 复查 / 复核, look the case up by its 查询码."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinfang.core.audit import audit_record
from xinfang.core.errors import DeadlinePassed, InvalidTransition, ValidationFailed
from xinfang.petitions.access import ensure_can_act
from xinfang.petitions.deadlines import schedule as deadlines

from .. import steps
from ..models import (
    Petition,
    Rating,
)
from ..seals import events_seal
from ..timeline import event_record
from ..workflow import Action, Status, allowed
from ._common import (
    _apply,
    _lock,
    _require,
    new_query_code,
    query_code_hash,
)

# ---------------------------------------------------------------- petitioner


@transaction.atomic
def petition_rate(
    *, petition_id: int, rating: str, comment: str = "", actor: Any = None, via: str = "portal"
) -> Petition:
    """满意 / 基本满意 / 不满意, by the petitioner on the portal or recorded by the office on a callback.

    满意 and 基本满意 close the case. 不满意 does not: it goes to the office that dispatched it
    (REVISIT), which has the unit handle it again or closes it telling of the 复查 right."""
    petition = _lock(petition_id)
    if rating not in Rating.values:
        raise ValidationFailed("请选择满意、基本满意或不满意", field="rating")
    if len(comment or "") > 2000:
        raise ValidationFailed("评价意见不超过2000字", field="comment")
    if not allowed(petition.status, Action.RATE):  # one message for every rating (RATE_UNSATISFIED alike)
        raise InvalidTransition(f"该信访事项当前为“{Status(petition.status).label}”，不能执行“{Action.RATE.label}”")
    staff = via != "portal"
    eff = steps.effect(
        petition,
        steps.rating_action(rating),
        at=timezone.now(),
        rating=rating,
        comment=comment,
        via=via,
    )
    return _apply(petition, eff, actor=actor if staff else "信访人（网上）", check_actor=staff)


@dataclass(frozen=True)
class _HigherReview:
    action: Action
    level: int  # review_level the case reaches
    label: str
    window: str  # the petitioner's window that must still be open
    decision: str  # the organ's limit that starts
    lapsed: str  # message when the window has passed
    no_parent: str


_REVIEW = _HigherReview(
    Action.REQUEST_REVIEW,
    1,
    "复查",
    "review_request",
    "review_decision",
    "已超过收到处理意见书之日起30日的复查申请期限（《信访工作条例》第三十五条）",
    "承办单位没有上一级机关，无法申请复查，请联系信访部门",
)
_RECHECK = _HigherReview(
    Action.REQUEST_RECHECK,
    2,
    "复核",
    "recheck_request",
    "recheck_decision",
    "已超过收到复查意见之日起30日的复核申请期限（《信访工作条例》第三十六条）",
    "复查机关没有上一级机关，无法申请复核，请联系信访部门",
)


def _request_higher_review(kind: _HigherReview, *, petition_id: int, reason: str, ip: str | None) -> Petition:
    """复查 goes to the level above the handling unit, 复核 to the level above the reviewer."""
    petition = _lock(petition_id)
    reason = _require(reason, f"请写明请求{kind.label}的理由", "reason")
    if not allowed(petition.status, kind.action) or petition.review_level != kind.level - 1:
        raise InvalidTransition(f"该信访事项当前不能申请{kind.label}" + ("（须先经复查）" if kind.level == 2 else ""))
    if not deadlines.deadline_window_open(petition=petition, code=kind.window):
        raise DeadlinePassed(kind.lapsed)
    below = petition.current_unit if kind.level == 1 else petition.review_unit
    above = below.parent if below else None
    if above is None:
        raise ValidationFailed(kind.no_parent, field="reason")
    eff = steps.effect(petition, kind.action, at=timezone.now(), reason=reason, above=above)
    _apply(petition, eff, actor="信访人（网上）", check_actor=False)
    audit_record(actor="信访人（网上）", action=f"petition.{kind.action.value}.ip", target=petition, ip=ip)
    return petition


@transaction.atomic
def petition_request_review(*, petition_id: int, reason: str, ip: str | None = None) -> Petition:
    """复查 (Art 35): within 30 days of receiving the 意见书, to the level above the handling unit."""
    return _request_higher_review(_REVIEW, petition_id=petition_id, reason=reason, ip=ip)


@transaction.atomic
def petition_request_recheck(*, petition_id: int, reason: str, ip: str | None = None) -> Petition:
    """复核 (Art 36): within 30 days of the 复查 reply, to the level above the reviewer."""
    return _request_higher_review(_RECHECK, petition_id=petition_id, reason=reason, ip=ip)


def petition_find_by_query_code(*, number: str, code: str) -> Petition | None:
    """The portal's lookup. A wrong number and a wrong code give the same None."""
    digest = query_code_hash(code)
    if not digest:
        return None
    return Petition.objects.filter(number=(number or "").strip(), query_code_hash=digest).first()


def petition_reissue_query_code(*, actor: Any, petition_id: int) -> str:
    """A clerk prints a new 查询码 for a petitioner who lost it; the old one stops working."""
    with transaction.atomic():
        petition = _lock(petition_id)
        ensure_can_act(actor, petition, Action.ATTACH)
        code = new_query_code()
        petition.query_code_hash = query_code_hash(code)
        petition.save(update_fields=["query_code_hash", "updated_at"])
        event = event_record(petition=petition, action="reissue_code", actor=actor, note="重新生成查询码")
        audit_record(actor=actor, action="petition.reissue_code", target=petition, seal=events_seal([event]))
    return code
