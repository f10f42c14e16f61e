"""The dispute's 化解方案 and its progress (一案一档): the 稳控措施 and plan, the numbered steps with their owner
and deadline, each step done (late or not), the notes of progress. Each write checks that the actor works
the dispute and leaves one timeline entry and one audit record in its transaction (`_common.record`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinfang.accounts.models import Unit
from xinfang.core.errors import InvalidTransition, ValidationFailed
from xinfang.core.timeutil import local_date

from ..access import ensure_work
from ..models import Dispute, PlanStep
from ._common import lock, record, require


@transaction.atomic
def dispute_record_progress(*, actor: Any, dispute_id: int, note: str) -> Dispute:
    dispute = lock(dispute_id)
    ensure_work(actor, dispute)
    note = require(note, "请填写化解进展", "note", max_length=5000)
    record(dispute, action="progress", actor=actor, note=note)
    return dispute


@transaction.atomic
def dispute_update_plan(*, actor: Any, dispute_id: int, measures: str, plan: str) -> Dispute:
    dispute = lock(dispute_id)
    ensure_work(actor, dispute)
    dispute.measures, dispute.plan = (measures or "").strip(), (plan or "").strip()
    dispute.save(update_fields=["measures", "plan", "updated_at"])
    record(dispute, action="measures", actor=actor, note=f"稳控措施：{dispute.measures}\n化解方案：{dispute.plan}")
    return dispute


@transaction.atomic
def plan_step_add(
    *,
    actor: Any,
    dispute_id: int,
    description: str,
    due_date: dt.date,
    owner_unit: Unit | None = None,
    owner_person: str = "",
) -> PlanStep:
    dispute = lock(dispute_id)
    ensure_work(actor, dispute)
    description = require(description, "请填写化解步骤", "description", max_length=300)
    if due_date < dispute.found_on:
        raise ValidationFailed("完成时限不能早于排查发现日期", field="due_date")
    order = (dispute.steps.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    step = PlanStep.objects.create(
        dispute=dispute,
        order=order,
        description=description,
        owner_unit=owner_unit,
        owner_person=(owner_person or "").strip()[:50],
        due_date=due_date,
    )
    who = owner_unit.name if owner_unit else ""
    record(
        dispute,
        action="step_add",
        actor=actor,
        note=f"第{order}步：{description}（{who}{owner_person}，{due_date:%Y-%m-%d}前）",
        data={"step": step.pk},
    )
    return step


@transaction.atomic
def plan_step_done(*, actor: Any, step_id: int, note: str = "") -> PlanStep:
    step = PlanStep.objects.filter(pk=step_id).first()
    if step is None:
        raise ValidationFailed("化解步骤不存在")
    dispute = lock(step.dispute_id)
    ensure_work(actor, dispute)
    if step.done_at is not None:
        raise InvalidTransition("该步骤已完成")
    step.done_at, step.done_note = timezone.now(), (note or "").strip()[:300]
    step.save(update_fields=["done_at", "done_note"])
    late = local_date(step.done_at) > step.due_date
    record(
        dispute,
        action="step_done",
        actor=actor,
        note=f"第{step.order}步完成{'（超期）' if late else ''}：{step.description}" + (f"；{note}" if note else ""),
        data={"step": step.pk, "late": late},
    )
    return step
