"""The higher organs: 复查 and 复核 decisions, 听证."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from xinfang.core.errors import InvalidTransition, ValidationFailed

from .. import steps
from ..models import (
    Petition,
    ReviewOutcome,
)
from ..workflow import Action
from ._common import (
    _apply,
    _lock,
    _require,
)


@transaction.atomic
def petition_decide_review(*, actor: Any, petition_id: int, outcome: str, text: str) -> Petition:
    petition = _lock(petition_id)
    if outcome not in ReviewOutcome.values:
        raise ValidationFailed("请选择复查意见", field="outcome")
    text = _require(text, "请填写复查意见书正文", "text")
    eff = steps.effect(petition, Action.DECIDE_REVIEW, at=timezone.now(), outcome=outcome, text=text)
    return _apply(petition, eff, actor=actor)


@transaction.atomic
def petition_hearing(*, actor: Any, petition_id: int, start: bool, note: str = "") -> Petition:
    """听证 during 复核: its time is not counted (Art 36)."""
    petition = _lock(petition_id)
    if start == petition.hearing_open:
        raise InvalidTransition("听证已经开始" if start else "当前没有进行中的听证")
    action = Action.START_HEARING if start else Action.END_HEARING
    return _apply(petition, steps.effect(petition, action, at=timezone.now(), note=note), actor=actor)


@transaction.atomic
def petition_decide_recheck(*, actor: Any, petition_id: int, outcome: str, text: str) -> Petition:
    """The 复核 opinion ends the matter: the same facts and reasons are 不再受理 (Art 36(3))."""
    petition = _lock(petition_id)
    if outcome not in ReviewOutcome.values:
        raise ValidationFailed("请选择复核意见", field="outcome")
    text = _require(text, "请填写复核意见书正文", "text")
    if petition.hearing_open:
        raise InvalidTransition("听证尚未结束，请先结束听证")
    eff = steps.effect(petition, Action.DECIDE_RECHECK, at=timezone.now(), outcome=outcome, text=text)
    return _apply(petition, eff, actor=actor)
