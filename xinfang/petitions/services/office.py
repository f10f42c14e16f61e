"""The 信访部门's decisions: dispatch, handle directly, reject; after a 不满意, rehandle or close."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinfang.accounts.models import Unit
from xinfang.core.errors import ValidationFailed
from xinfang.core.timeutil import local_date

from .. import steps
from ..models import (
    DispatchMode,
    Petition,
)
from ..notices import LEGAL_ROUTES
from ..workflow import Action
from ._common import (
    _apply,
    _lock,
    _require,
)

# ---------------------------------------------------------------- 信访部门 decisions


def _check_not_accused(petition: Petition, unit: Unit) -> None:
    if petition.accused_unit_id and unit.path.startswith(petition.accused_path):
        raise ValidationFailed(
            "不得将检举控告材料转给被检举单位或其下属单位（《信访工作条例》第三十条），请转纪检监察机关或上一级机关",
            field="unit",
        )


@transaction.atomic
def petition_dispatch(
    *,
    actor: Any,
    petition_id: int,
    unit: Unit,
    mode: str,
    note: str = "",
    assign_due_date: dt.date | None = None,
) -> Petition:
    """转送 (transfer) or 交办 (assign, with a deadline and a required 办结报告) to the responsible unit."""
    petition = _lock(petition_id)
    if mode not in (DispatchMode.TRANSFER, DispatchMode.ASSIGN):
        raise ValidationFailed("请选择转送或交办", field="mode")
    if not unit.active:
        raise ValidationFailed("该单位已停用", field="unit")
    if unit.pk == petition.office_unit_id:
        raise ValidationFailed("不能转送给本部门；如由信访部门直接办理，请选择“直接办理”", field="unit")
    _check_not_accused(petition, unit)
    today = local_date()
    if mode == DispatchMode.ASSIGN and assign_due_date is not None and assign_due_date <= today:
        raise ValidationFailed("交办期限必须晚于今天", field="assign_due_date")
    eff = steps.effect(
        petition, Action.DISPATCH, at=timezone.now(), note=note, unit=unit, mode=mode, assign_due_date=assign_due_date
    )
    return _apply(petition, eff, actor=actor)


@transaction.atomic
def petition_handle_directly(*, actor: Any, petition_id: int, note: str = "") -> Petition:
    """The 信访部门 handles the matter itself (e.g. a consultation it can answer)."""
    petition = _lock(petition_id)
    return _apply(petition, steps.effect(petition, Action.HANDLE_DIRECTLY, at=timezone.now(), note=note), actor=actor)


@transaction.atomic
def petition_reject(*, actor: Any, petition_id: int, reason: str, legal_route: str, final: bool = False) -> Petition:
    """不予受理 / 不再受理, telling the petitioner the proper legal route (诉访分离, Art 28 and 31)."""
    petition = _lock(petition_id)
    reason = _require(reason, "请填写不予受理的理由", "reason")
    if legal_route not in LEGAL_ROUTES:
        raise ValidationFailed("请选择告知信访人的途径", field="legal_route")
    eff = steps.effect(petition, Action.REJECT, at=timezone.now(), reason=reason, legal_route=legal_route, final=final)
    return _apply(petition, eff, actor=actor)


@transaction.atomic
def petition_rehandle(*, actor: Any, petition_id: int, reason: str) -> Petition:
    """After a 不满意: the office has the handling unit handle the case again, under a new handling
    limit counted from today (the "handle" rule in force for the case). The petitioner's 复查 window
    of the first reply ends: the new reply opens a new one."""
    petition = _lock(petition_id)
    reason = _require(reason, "请写明重新办理的要求（将告知承办单位和信访人）", "reason")
    return _apply(petition, steps.effect(petition, Action.REHANDLE, at=timezone.now(), reason=reason), actor=actor)


@transaction.atomic
def petition_close_unsatisfied(*, actor: Any, petition_id: int, note: str) -> Petition:
    """After a 不满意: the office closes the case and tells the petitioner of the right to ask the
    level above the handling unit for 复查 within 30 days of receiving the reply (Art 35); that
    window stays open."""
    petition = _lock(petition_id)
    note = _require(note, "请写明回访情况和办结理由", "note")
    eff = steps.effect(petition, Action.CLOSE_UNSATISFIED, at=timezone.now(), note=note)
    return _apply(petition, eff, actor=actor)


@transaction.atomic
def petition_close(*, actor: Any, petition_id: int, note: str = "") -> Petition:
    """The office files a replied case that was not rated (e.g. after a callback)."""
    petition = _lock(petition_id)
    return _apply(petition, steps.effect(petition, Action.CLOSE, at=timezone.now(), note=note), actor=actor)
