"""Every write to a dispute (一案一档). Pages, the API, the import, the demo and commands call these.

Each: checks the actor, validates, writes the change, one timeline entry and one audit record in one
transaction (services/_common.record)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Area, Unit
from xinfang.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from xinfang.core.timeutil import local_date, today
from xinfang.petitions.access import can_see
from xinfang.petitions.models import Petition
from xinfang.petitions.timeline import event_record

from .. import deadlines
from ..access import ensure_manage, ensure_work, leader_level, registrable_units
from ..models import (
    CaseClass,
    Dispute,
    DisputeParty,
    DisputePetition,
    DisputeType,
    GradeChange,
    Outcome,
    RiskGrade,
    Source,
)
from ..parties import clean_party, party_from_petitioner, party_seal
from ._common import lock, next_number, record, require


def grade_get(code: str) -> RiskGrade:
    grade = RiskGrade.objects.filter(code=code, active=True).first()
    if grade is None:
        raise ValidationFailed("请选择有效的风险等级", field="grade")
    return grade


def _check_leader(leader: Any, grade: RiskGrade) -> None:
    level = leader_level(leader)
    if level is None:
        raise ValidationFailed(f"{leader.get_full_name()}没有领导岗位，不能包案", field="leader")
    if level > grade.leader_level:
        need = Area.Level(grade.leader_level).label
        raise ValidationFailed(f"{grade.name}等级的矛盾纠纷须由{need}（或更高层级）领导包案", field="leader")


def _set_due(dispute: Dispute) -> None:
    result = deadlines.resolution_due(grade=dispute.grade, found_on=dispute.found_on)
    dispute.due_date, dispute.due_basis = result.due, result.basis
    dispute.deadline_state = deadlines.dispute_state(dispute)


@transaction.atomic
def dispute_register(
    *,
    actor: Any,
    area: Area,
    dispute_type: str,
    summary: str,
    grade: RiskGrade,
    title: str = "",
    parties: list[dict[str, Any]] | None = None,
    office: Unit | None = None,
    source: str = Source.SCREENING,
    case_class: str = CaseClass.FIRST,
    found_on: dt.date | None = None,
    headcount: int = 1,
    measures: str = "",
    responsible_unit: Unit | None = None,
    responsible_person: str = "",
    campaign: Any = None,
    marked: bool = False,
    latitude: Any = None,
    longitude: Any = None,
) -> Dispute:
    """Register a dispute found by screening, a grid worker, a unit or a leader's 下访. Opens the resolution
    deadline of its grade (counted from `found_on`). Every problem in the input is reported at once."""
    units = registrable_units(actor)
    ctx = actor_context(actor)
    if office is None:
        office = units[0] if units else None
    if office is None or (office.pk not in {u.pk for u in units} and not ctx.is_superuser):
        raise NotPermitted("只有信访部门、党委政府或乡镇（街道）的工作人员可以登记矛盾纠纷")
    errors: dict[str, list[str]] = {}

    def bad(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not area.path.startswith(office.area.path):
        bad("area", f"所选区划不在{office.name}的辖区内")
    if dispute_type not in DisputeType.values:
        bad("dispute_type", "请选择纠纷类型")
    if source not in Source.values:
        bad("source", "来源无效")
    if case_class not in CaseClass.values:
        bad("case_class", "案件类别无效")
    summary = (summary or "").strip()
    if not summary:
        bad("summary", "请填写矛盾纠纷的简要情况")
    title = (title or "").strip()[:200] or summary.replace("\n", " ")[:30]
    found_on = found_on or today()
    if found_on > today():
        bad("found_on", "排查发现日期不能晚于今天")
    if headcount is None or headcount < 1:
        bad("headcount", "涉及人数至少为1人")
    clean_parties = []
    for i, given in enumerate(p for p in (parties or []) if any(str(v or "").strip() for v in p.values())):
        try:
            clean_parties.append(clean_party(given, prefix=f"party{i + 1}_"))
        except ValidationFailed as exc:
            for field, msgs in exc.errors.items():
                errors.setdefault(field, []).extend(msgs)
    if errors:
        raise ValidationFailed(errors)
    dispute = Dispute(
        number=next_number(office=office, year=found_on.year),
        office=office,
        office_path=office.path,
        source=source,
        area=area,
        area_path=area.path,
        dispute_type=dispute_type,
        case_class=case_class,
        title=title,
        summary=summary,
        headcount=headcount,
        grade=grade,
        measures=(measures or "").strip(),
        responsible_unit=responsible_unit,
        responsible_path=responsible_unit.path if responsible_unit else "",
        responsible_person=(responsible_person or "").strip()[:50],
        found_on=found_on,
        campaign=campaign,
        marked=marked,
        latitude=latitude,
        longitude=longitude,
    )
    _set_due(dispute)
    dispute.save(force_insert=True)
    sealed = []
    for clean in clean_parties:
        party = DisputeParty(dispute=dispute)
        party_seal(party, clean)
        sealed.append(party)
    DisputeParty.objects.bulk_create(sealed)
    record(
        dispute,
        action="register",
        actor=actor,
        note=f"{Source(source).label}登记，{grade.name}等级，化解期限{dispute.due_date:%Y-%m-%d}",
        data={"grade": grade.code, "source": source, "due": dispute.due_date.isoformat()},
    )
    return dispute


@transaction.atomic
def dispute_raise_from_petition(
    *, actor: Any, petition: Petition, grade: RiskGrade, dispute_type: str, note: str = "", **extra: Any
) -> Dispute:
    """Raise a petition into a dispute in one step. The petition keeps its workflow, deadlines and timeline
    (it only gains a timeline entry saying so); the dispute starts its own, with the petitioner as a party."""
    if not can_see(actor, petition):
        raise NotPermitted("您无权查看该信访事项")
    if petition.dispute_links.exists():
        raise InvalidTransition("该信访事项已转为矛盾纠纷")
    dispute = dispute_register(
        actor=actor,
        area=petition.area,
        dispute_type=dispute_type,
        title=petition.title,
        summary=petition.content,
        grade=grade,
        source=Source.PETITION,
        case_class=CaseClass.REPEAT if petition.is_repeat else CaseClass.FIRST,
        found_on=local_date(petition.received_at),
        headcount=petition.headcount,
        **extra,
    )
    if petition.petitioner_name_hash or petition.id_number_hash or petition.phone_hash:
        party = DisputeParty(dispute=dispute)
        party_from_petitioner(party, petition)
        party.save(force_insert=True)
    DisputePetition.objects.create(dispute=dispute, petition=petition, linked_at=timezone.now())
    event = event_record(
        petition=petition,
        action="note",
        actor=actor,
        note=f"转为矛盾纠纷{dispute.number}（{grade.name}），纳入排查化解" + (f"：{note}" if note else ""),
        data={"dispute": dispute.number},
    )
    record(dispute, action="raise", actor=actor, note=note, data={"petition": petition.number}, petition_events=[event])
    return dispute


@transaction.atomic
def dispute_link_petition(*, actor: Any, dispute_id: int, petition: Petition, note: str = "") -> Dispute:
    """Gather another petition (another person, the same matter) into the dispute."""
    dispute = lock(dispute_id)
    ensure_work(actor, dispute)
    if not can_see(actor, petition):
        raise NotPermitted("您无权查看该信访事项")
    if DisputePetition.objects.filter(dispute=dispute, petition=petition).exists():
        raise InvalidTransition("该信访事项已关联本矛盾纠纷")
    DisputePetition.objects.create(dispute=dispute, petition=petition, linked_at=timezone.now())
    if petition.petitioner_name_hash and not dispute.parties.filter(id_number_hash=petition.id_number_hash).exclude(
        id_number_hash=""
    ):
        party = DisputeParty(dispute=dispute)
        party_from_petitioner(party, petition)
        party.save(force_insert=True)
    event = event_record(petition=petition, action="note", actor=actor, note=f"并入矛盾纠纷{dispute.number}")
    record(
        dispute,
        action="link_petition",
        actor=actor,
        note=note,
        data={"petition": petition.number},
        petition_events=[event],
    )
    return dispute


@transaction.atomic
def dispute_change_grade(*, actor: Any, dispute_id: int, grade: RiskGrade, reason: str) -> Dispute:
    """研判 raises or lowers the grade, with a reason; the resolution deadline becomes the new grade's
    (still counted from the day found). A 包案 leader below the new grade's level is flagged, not removed."""
    dispute = lock(dispute_id)
    ensure_manage(actor, dispute)
    reason = require(reason, "请填写调整等级的理由", "reason")
    if not dispute.is_open:
        raise InvalidTransition("已办结的矛盾纠纷不能调整等级")
    if grade.pk == dispute.grade_id:
        raise InvalidTransition(f"当前已是{grade.name}等级")
    old, old_due = dispute.grade, dispute.due_date
    dispute.grade = grade
    _set_due(dispute)
    dispute.save(update_fields=["grade", "due_date", "due_basis", "deadline_state", "updated_at"])
    GradeChange.objects.create(
        dispute=dispute,
        at=timezone.now(),
        actor=actor,
        from_grade=old,
        to_grade=grade,
        reason=reason,
        due_before=old_due,
        due_after=dispute.due_date,
    )
    warn = ""
    if dispute.leader is not None:
        level = leader_level(dispute.leader)
        if level is None or level > grade.leader_level:
            warn = f"；现包案领导层级低于{grade.name}等级要求（{Area.Level(grade.leader_level).label}领导），请调整包案"
    record(
        dispute,
        action="grade",
        actor=actor,
        note=f"{old.name}→{grade.name}：{reason}；化解期限{old_due:%Y-%m-%d}→{dispute.due_date:%Y-%m-%d}{warn}",
        data={"from": old.code, "to": grade.code},
    )
    return dispute


@transaction.atomic
def dispute_assign(*, actor: Any, dispute_id: int, unit: Unit, person: str = "", note: str = "") -> Dispute:
    dispute = lock(dispute_id)
    ensure_manage(actor, dispute)
    if not dispute.is_open:
        raise InvalidTransition("已办结的矛盾纠纷不能调整责任单位")
    dispute.responsible_unit, dispute.responsible_path = unit, unit.path
    dispute.responsible_person = (person or "").strip()[:50]
    dispute.save(update_fields=["responsible_unit", "responsible_path", "responsible_person", "updated_at"])
    record(
        dispute,
        action="assign",
        actor=actor,
        note=f"责任单位：{unit.name}"
        + (f"，责任人：{dispute.responsible_person}" if person else "")
        + (f"；{note}" if note else ""),
        data={"unit": unit.code},
    )
    return dispute


@transaction.atomic
def dispute_take_on(*, actor: Any, dispute_id: int, leader: Any = None, note: str = "") -> Dispute:
    """领导包案: a leader takes the dispute on (themselves, or named by the office). The grade sets the level."""
    dispute = lock(dispute_id)
    leader = leader or actor
    if leader.pk != actor.pk or not (
        leader_level(actor) is not None and dispute.area_path.startswith(_leader_area(actor))
    ):
        ensure_manage(actor, dispute)
    if dispute.leader_id:
        raise InvalidTransition(f"该矛盾纠纷已由{dispute.leader.get_full_name() if dispute.leader else ''}包案")
    if not dispute.is_open:
        raise InvalidTransition("已办结的矛盾纠纷不需要包案")
    _check_leader(leader, dispute.grade)
    dispute.leader = leader
    dispute.save(update_fields=["leader", "updated_at"])
    record(dispute, action="take_on", actor=actor, note=f"{leader.get_full_name()}包案" + (f"：{note}" if note else ""))
    return dispute


def _leader_area(user: Any) -> str:
    from xinfang.accounts.models import Role

    paths = [u.area.path for u in actor_context(user).units_with(Role.LEADER)]
    return min(paths, key=len) if paths else "\0"


@transaction.atomic
def dispute_hand_over(*, actor: Any, dispute_id: int, to_leader: Any, reason: str) -> Dispute:
    """The 包案 leader (or the office) hands the case to another leader, with a reason."""
    dispute = lock(dispute_id)
    reason = require(reason, "请填写移交包案的理由", "reason")
    if dispute.leader_id is None:
        raise InvalidTransition("该矛盾纠纷尚无包案领导")
    if dispute.leader_id != actor.pk:
        ensure_manage(actor, dispute)
    if to_leader.pk == dispute.leader_id:
        raise ValidationFailed("移交对象与现包案领导相同", field="leader")
    _check_leader(to_leader, dispute.grade)
    old = dispute.leader
    dispute.leader = to_leader
    dispute.save(update_fields=["leader", "updated_at"])
    record(
        dispute,
        action="hand_over",
        actor=actor,
        note=f"{old.get_full_name() if old else ''}移交{to_leader.get_full_name()}包案：{reason}",
        data={"from": old.pk if old else None, "to": to_leader.pk},
    )
    return dispute


@transaction.atomic
def dispute_release(*, actor: Any, dispute_id: int, reason: str) -> Dispute:
    dispute = lock(dispute_id)
    reason = require(reason, "请填写解除包案的理由", "reason")
    if dispute.leader_id is None:
        raise InvalidTransition("该矛盾纠纷尚无包案领导")
    if dispute.leader_id != actor.pk:
        ensure_manage(actor, dispute)
    old = dispute.leader
    dispute.leader = None
    dispute.save(update_fields=["leader", "updated_at"])
    record(dispute, action="release", actor=actor, note=f"解除{old.get_full_name() if old else ''}包案：{reason}")
    return dispute


@transaction.atomic
def dispute_conclude(
    *, actor: Any, dispute_id: int, outcome: str, note: str, confirmed: bool | None = None, confirmation_note: str = ""
) -> Dispute:
    """The outcome: 已化解 / 稳控中 / 未化解 / 转入法定途径, with the petitioner's confirmation where there is
    one. 已化解 and 转入法定途径 close the case; 稳控中 stops its clock; 未化解 keeps it running."""
    dispute = lock(dispute_id)
    ensure_work(actor, dispute)
    if outcome not in Outcome.values or outcome == Outcome.OPEN:
        raise ValidationFailed("请选择化解结果", field="outcome")
    note = require(note, "请填写化解情况", "note", max_length=5000)
    if not dispute.is_open:
        raise InvalidTransition("该矛盾纠纷已办结")
    if outcome == Outcome.RESOLVED and dispute.parties.exists() and confirmed is None:
        raise ValidationFailed("已化解的须记录当事人是否确认（签字、回访）", field="confirmed")
    old = dispute.outcome
    dispute.outcome, dispute.outcome_note = outcome, note
    dispute.confirmed, dispute.confirmation_note = confirmed, (confirmation_note or "").strip()[:300]
    dispute.closed_at = timezone.now() if outcome in Outcome.closed() else None
    dispute.deadline_state = deadlines.dispute_state(dispute)
    fields = ["outcome", "outcome_note", "confirmed", "confirmation_note", "closed_at", "deadline_state", "updated_at"]
    dispute.save(update_fields=fields)
    confirm = {True: "，当事人已确认", False: "，当事人未确认", None: ""}[confirmed]
    record(
        dispute,
        action="conclude",
        actor=actor,
        note=f"{Outcome(outcome).label}{confirm}：{note}",
        data={"from": old, "to": outcome, "confirmed": confirmed},
    )
    return dispute


@transaction.atomic
def dispute_reopen(*, actor: Any, dispute_id: int, reason: str) -> Dispute:
    """A resolved dispute flares up again (反弹): back on the board, its deadline as before."""
    dispute = lock(dispute_id)
    ensure_manage(actor, dispute)
    reason = require(reason, "请填写重新启动化解的理由", "reason")
    if dispute.is_open:
        raise InvalidTransition("该矛盾纠纷仍在化解中")
    old = dispute.outcome
    dispute.outcome, dispute.closed_at = Outcome.OPEN, None
    dispute.deadline_state = deadlines.dispute_state(dispute)
    dispute.save(update_fields=["outcome", "closed_at", "deadline_state", "updated_at"])
    record(dispute, action="reopen", actor=actor, note=reason, data={"from": old})
    return dispute


@transaction.atomic
def dispute_set_campaign(*, actor: Any, dispute_id: int, campaign: Any, marked: bool) -> Dispute:
    dispute = lock(dispute_id)
    ensure_manage(actor, dispute)
    if campaign is not None and not dispute.area_path.startswith(campaign.area.path):
        raise ValidationFailed("该矛盾纠纷不在攻坚范围内", field="campaign")
    changes = []
    if campaign != dispute.campaign:
        changes.append(f"纳入“{campaign.name}”" if campaign else "移出专项攻坚")
    if marked != dispute.marked:
        changes.append("挂图作战（重点难点案件）" if marked else "取消挂图")
    if not changes:
        raise InvalidTransition("没有变化")
    dispute.campaign, dispute.marked = campaign, marked
    dispute.save(update_fields=["campaign", "marked", "updated_at"])
    record(
        dispute,
        action="mark" if marked and "挂图作战（重点难点案件）" in changes else "campaign",
        actor=actor,
        note="；".join(changes),
        data={"campaign": campaign.pk if campaign else None, "marked": marked},
    )
    return dispute


def deadlines_sweep(*, on: dt.date | None = None) -> int:
    """Today's 即将到期 / 已超期 on the open disputes (a command or timer calls it); how many changed."""
    changed = 0
    for dispute in Dispute.objects.exclude(outcome__in=Outcome.closed()).only(
        "id", "due_date", "found_on", "outcome", "deadline_state"
    ):
        state = deadlines.dispute_state(dispute, on=on)
        if state != dispute.deadline_state:
            Dispute.objects.filter(pk=dispute.pk).update(deadline_state=state)
            changed += 1
    return changed
