"""Leaders: the 接访日 schedule, the visits received on it (registered as petitions), 下访 records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinfang.accounts.models import Area, Unit
from xinfang.core.audit import audit_record
from xinfang.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from xinfang.core.timeutil import SHANGHAI
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Channel, Petition

from ..access import leader_level
from ..models import Dispute, DownVisit, ReceptionDay, ReceptionVisit
from ._common import require
from .campaigns import can_manage_area


@transaction.atomic
def reception_day_create(
    *,
    actor: Any,
    leader: Any,
    leader_title: str,
    office: Unit,
    area: Area,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    place: str,
    topics: str = "",
    published: bool = True,
) -> ReceptionDay:
    if not can_manage_area(actor, area):
        raise NotPermitted("只有本级信访部门可以安排领导接访日")
    errors: dict[str, list[str]] = {}
    if leader_level(leader) is None:
        errors["leader"] = [f"{leader.get_full_name()}没有领导岗位"]
    if end_time <= start_time:
        errors["end_time"] = ["结束时间须晚于开始时间"]
    if not (place or "").strip():
        errors["place"] = ["请填写接访地点"]
    if not (leader_title or "").strip():
        errors["leader_title"] = ["请填写领导职务（门户公开显示）"]
    if errors:
        raise ValidationFailed(errors)
    if ReceptionDay.objects.filter(
        leader=leader, date=date, cancelled=False, start_time__lt=end_time, end_time__gt=start_time
    ).exists():
        raise ValidationFailed("该领导在这一时段已安排接访", field="start_time")
    day = ReceptionDay.objects.create(
        leader=leader,
        leader_title=leader_title.strip()[:60],
        office=office,
        area=area,
        area_path=area.path,
        date=date,
        start_time=start_time,
        end_time=end_time,
        place=place.strip()[:200],
        topics=(topics or "").strip()[:200],
        published=published,
    )
    audit_record(
        actor=actor, action="reception_day.create", target=day, unit_id=office.pk, data={"date": date.isoformat()}
    )
    return day


@transaction.atomic
def reception_day_cancel(*, actor: Any, day_id: int, reason: str) -> ReceptionDay:
    day = ReceptionDay.objects.select_for_update().select_related("area").get(pk=day_id)
    if not can_manage_area(actor, day.area):
        raise NotPermitted("只有本级信访部门可以调整领导接访日")
    reason = require(reason, "请填写取消原因（门户公开显示）", "reason", max_length=200)
    if day.cancelled:
        raise InvalidTransition("该接访日已取消")
    day.cancelled, day.cancel_reason = True, reason
    day.save(update_fields=["cancelled", "cancel_reason", "updated_at"])
    audit_record(actor=actor, action="reception_day.cancel", target=day, data={"reason": reason})
    return day


@transaction.atomic
def reception_register_visit(
    *,
    actor: Any,
    day_id: int,
    interviewer: str,
    content: str,
    petitioner: dict[str, Any] | None = None,
    leader_instruction: str = "",
    received_at: dt.datetime | None = None,
    **intake: Any,
) -> ReceptionVisit:
    """A visit received on a reception day: registered as a petition (channel 领导接访) through the intake
    service, with the receiving leader, the place and the 接谈人 on the visit record."""
    day = ReceptionDay.objects.select_related("leader", "office", "area").get(pk=day_id)
    if day.cancelled:
        raise InvalidTransition("该接访日已取消")
    interviewer = require(interviewer, "请填写接谈人", "interviewer", max_length=100)
    received_at = received_at or timezone.now()
    if received_at.astimezone(SHANGHAI).date() != day.date:
        raise ValidationFailed("接访时间须在接访日当天", field="received_at")
    reg = petition_services.petition_register(
        actor=actor,
        channel=Channel.LEADER,
        content=content,
        received_at=received_at,
        petitioner=petitioner or {},
        area=intake.pop("area", None) or day.area,
        **intake,
    )
    visit = ReceptionVisit.objects.create(
        day=day,
        petition=reg.petition,
        leader=day.leader,
        place=day.place,
        interviewer=interviewer,
        leader_instruction=(leader_instruction or "").strip(),
        received_at=received_at,
    )
    audit_record(
        actor=actor,
        action="reception_day.visit",
        target=day,
        data={"petition": reg.petition.number, "leader": day.leader_id, "interviewer": interviewer},
    )
    return visit


@transaction.atomic
def down_visit_record(
    *,
    actor: Any,
    leader: Any,
    office: Unit,
    area: Area,
    date: dt.date,
    place: str,
    people_met: str,
    matters_found: str,
    disputes: list[Dispute] | None = None,
    petitions: list[Petition] | None = None,
) -> DownVisit:
    if not can_manage_area(actor, area) and actor.pk != leader.pk:
        raise NotPermitted("只能登记本辖区的领导下访")
    errors: dict[str, list[str]] = {}
    if leader_level(leader) is None:
        errors["leader"] = [f"{leader.get_full_name()}没有领导岗位"]
    for field, value, msg in (
        ("place", place, "请填写下访地点"),
        ("people_met", people_met, "请填写走访对象"),
        ("matters_found", matters_found, "请填写发现的问题（没有发现问题的也请写明）"),
    ):
        if not (value or "").strip():
            errors[field] = [msg]
    if date > timezone.now().astimezone(SHANGHAI).date():
        errors["date"] = ["下访日期不能晚于今天"]
    if errors:
        raise ValidationFailed(errors)
    visit = DownVisit.objects.create(
        leader=leader,
        office=office,
        area=area,
        area_path=area.path,
        date=date,
        place=place.strip()[:200],
        people_met=people_met.strip(),
        matters_found=matters_found.strip(),
        recorded_by=actor,
    )
    if disputes:
        visit.disputes.set(disputes)
    if petitions:
        visit.petitions.set(petitions)
    audit_record(actor=actor, action="down_visit.record", target=visit, unit_id=office.pk, data={"area": area.code})
    return visit
