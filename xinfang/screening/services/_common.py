"""Shared by the screening services: the timeline entry, the audit record, the numbering, the lock."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from xinfang.accounts.models import Unit
from xinfang.core.audit import audit_record
from xinfang.core.errors import ValidationFailed

from ..models import Dispute, DisputeEvent


def require(value: Any, message: str, field: str, *, max_length: int = 2000) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(message, field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"内容过长（不超过{max_length}字）", field=field)
    return text


def lock(dispute_id: int) -> Dispute:
    try:
        return (
            Dispute.objects.select_for_update(no_key=True, of=("self",))
            .select_related("grade", "area", "office", "leader")
            .get(pk=dispute_id)
        )
    except Dispute.DoesNotExist:
        raise ValidationFailed("矛盾纠纷不存在") from None


def record(
    dispute: Dispute,
    *,
    action: str,
    actor: Any,
    note: str = "",
    data: dict[str, Any] | None = None,
    petition_events: list[Any] | None = None,
) -> DisputeEvent:
    """One timeline entry and one audit record sealing it (and `petition_events`, the entries written on
    linked cases' timelines); last: the audit chain's head stays locked to the commit."""
    from xinfang.petitions.seals import events_seal

    from ..seals import dispute_events_seal

    user = actor if getattr(actor, "is_authenticated", False) else None
    event = DisputeEvent.objects.create(
        dispute=dispute,
        at=timezone.now(),
        actor=user,
        actor_name=user.get_full_name() if user else str(actor or "系统"),
        action=action,
        note=note,
        data=data or {},
    )
    audit_record(
        actor=actor,
        action=f"dispute.{action}",
        target=dispute,
        unit_id=dispute.office_id,
        data={"number": dispute.number, **(data or {}), **({"note": note[:200]} if note else {})},
        seal={**dispute_events_seal([event]), **events_seal(petition_events or [])},
    )
    return event


def next_number(*, office: Unit, year: int) -> str:
    """MD + area code + year + sequence (矛盾纠纷 numbers), gap-free: one locked counter row per office area."""
    from xinfang.petitions.models import NumberSequence

    scope = f"MD{office.area.code[:9]}"
    sql = 'UPDATE "petitions_numbersequence" SET last = last + 1 WHERE scope = %s AND year = %s RETURNING last'
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope, year])
        row = cursor.fetchone()
        if row is None:
            NumberSequence.objects.bulk_create([NumberSequence(scope=scope, year=year, last=0)], ignore_conflicts=True)
            cursor.execute(sql, [scope, year])
            row = cursor.fetchone()
    return f"{scope}-{year}-{row[0]:05d}"
