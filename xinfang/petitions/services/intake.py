"""Intake: a clerk registers, a citizen submits online, a clerk registers the submission."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Area, Role, Unit
from xinfang.core.audit import audit_draft
from xinfang.core.errors import NotPermitted, ValidationFailed
from xinfang.core.timeutil import local_date
from xinfang.core.validators import normalize_id_number, normalize_phone
from xinfang.petitions.deadlines import schedule as deadlines

from .. import intake_write, messaging, notices, steps
from ..models import (
    Attachment,
    Category,
    Channel,
    Petition,
    Purpose,
    Representative,
    SkipLevelTo,
)
from ..persons import person_seal
from ..repeats import mark_repeated
from ..seals import events_seal
from ..timeline import event_draft
from ..workflow import Action, Status
from ._common import (
    Registration,
    _apply,
    _lock,
    _next_number,
    _save_files,
    check_files,
    new_query_code,
    office_for_area,
    query_code_hash,
)

# ---------------------------------------------------------------- intake


def _clean_person(data: dict[str, Any], *, prefix: str = "") -> dict[str, str]:
    """Name, ID and phone numbers normalized; a bad ID and a bad phone are reported together."""
    errors: dict[str, list[str]] = {}
    out = {
        "name": str(data.get("name") or "").strip()[:100],
        "address": str(data.get("address") or "").strip()[:200],
    }
    for key, normalize in (("id_number", normalize_id_number), ("phone", normalize_phone)):
        try:
            out[key] = normalize(str(data.get(key) or ""), field=f"{prefix}{key}")
        except ValidationFailed as exc:
            errors.setdefault(exc.field or f"{prefix}{key}", []).append(exc.message)
    if errors:
        raise ValidationFailed(errors)
    return out


def representatives_problem(*, headcount: int, representatives: list[dict[str, Any]], reason: str = "") -> str:
    """A 集体访 (headcount at the settings threshold or more) names its representatives (Art 20), or the
    clerk records why there are none. '' when fine; the Chinese message otherwise. The importer asks too."""
    threshold = settings.XINFANG_GROUP_VISIT_THRESHOLD
    if headcount < threshold or (reason or "").strip():
        return ""
    if any(str(r.get("name") or "").strip() for r in representatives):
        return ""
    return (
        f"信访人数为{headcount}人（{threshold}人及以上为集体访），请至少登记一名代表"
        f"（《信访工作条例》第二十条），或在“无代表原因”中写明未推选代表的原因"
    )


def _intake(
    *,
    actor: Any,
    office: Unit,
    status: Status,
    channel: str,
    received_at: dt.datetime,
    petitioner: dict[str, Any],
    area: Area | None,
    category: Category | None,
    purpose: str,
    title: str,
    content: str,
    headcount: int,
    representatives: list[dict[str, Any]],
    no_representative_reason: str = "",
    attachments: list[UploadedFile[Any]],
    attachment_kind: str,
    is_repeat: bool,
    repeat_of: Petition | None,
    is_skip_level: bool,
    confidential: bool,
    accused_unit: Unit | None,
    accused_person: str,
    errors: dict[str, list[str]] | None = None,
    skip_level_to: str = "",
) -> Registration:
    # Every problem at once (a form that reports its errors one per submit wastes a clerk's and a
    # citizen's time): collect, then raise one ValidationFailed with all fields.
    errors = dict(errors or {})

    def bad(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if channel not in Channel.values:
        bad("channel", "请选择信访形式")
    content = (content or "").strip()
    if not content:
        bad("content", "请填写信访事项的主要诉求及事实理由")
    elif len(content) > 20000:
        bad("content", "诉求内容过长（不超过2万字），较长材料请作为附件上传")
    title = (title or "").strip() or content.replace("\n", " ")[:30]
    if len(title) > 200:
        bad("title", "标题不超过200字")
    if purpose and purpose not in Purpose.values:
        bad("purpose", "信访目的无效")
    if skip_level_to not in SkipLevelTo.values:
        bad("skip_level_to", "越级去向应为赴省或赴京")
    if headcount is None or headcount < 1:
        bad("headcount", "信访人数至少为1人")
    elif headcount > 100000:
        bad("headcount", "信访人数不合理，请核对")
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        bad("received_at", "收到时间不能晚于当前时间")
    elif received_at < timezone.now() - dt.timedelta(days=366 * 30):
        bad("received_at", "收到时间过早，请核对")
    max_reps = settings.XINFANG_MAX_REPRESENTATIVES
    reps = [r for r in representatives if any(str(v or "").strip() for v in r.values())]
    if len(reps) > max_reps:
        bad("representatives", f"多人采用走访形式的，推选代表不超过{max_reps}人（《信访工作条例》第二十条）")
    problem = representatives_problem(headcount=headcount or 1, representatives=reps, reason=no_representative_reason)
    if problem:
        bad("representatives", problem)

    def merge(exc: ValidationFailed) -> None:
        for field_name, msgs in exc.errors.items():
            errors.setdefault(field_name, []).extend(msgs)

    person: dict[str, str] = {}
    try:
        person = _clean_person(petitioner)
    except ValidationFailed as exc:
        merge(exc)
    clean_reps = []
    for i, r in enumerate(reps, start=1):
        if not str(r.get("name") or "").strip():
            bad(f"rep{i}_name", f"第{i}位代表的姓名未填写")
        try:
            clean_reps.append(_clean_person(r, prefix=f"rep{i}_"))
        except ValidationFailed as exc:
            merge(exc)
    content_types: dict[int, str] = {}
    try:
        content_types = check_files(attachments)
    except ValidationFailed as exc:
        merge(exc)
    if accused_unit and office.path.startswith(accused_unit.path) and office.kind != Unit.Kind.XINFANG:
        bad("accused_unit", "被检举单位不能登记对自身的检举控告")
    if errors:
        raise ValidationFailed(errors)
    area = area or office.area

    now = timezone.now()
    code = new_query_code()
    config = deadlines.config_snapshot()
    petition = Petition(
        query_code_hash=query_code_hash(code),
        channel=channel,
        received_at=received_at,
        registered_at=now if status == Status.REGISTERED else None,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        confidential=confidential,
        headcount=headcount,
        is_group=headcount >= settings.XINFANG_GROUP_VISIT_THRESHOLD,
        area=area,
        area_path=area.path,
        category=category,
        purpose=purpose,
        title=title,
        content=content,
        accused_unit=accused_unit,
        accused_path=accused_unit.path if accused_unit else "",
        accused_person=(accused_person or "").strip()[:100],
        is_repeat=is_repeat or repeat_of is not None,
        repeat_of=repeat_of,
        is_skip_level=is_skip_level or bool(skip_level_to),
        skip_level_to=skip_level_to,
        status=status,
        status_changed_at=now,
        office_unit=office,
        office_path=office.path,
    )
    person_seal(petition, person)  # name, address, ID and phone: sealed
    # Both intake paths open the 15-day transfer limit next, computed here once: the case goes in with its
    # due date already set, so opening the deadline does not have to update the row again.
    first = deadlines.deadline_draft(petition=petition, code="transfer", start=local_date(received_at), config=config)
    petition.due_date, petition.deadline_state = deadlines.deadline_preview(first)
    # Only now the number: the office's counter stays locked from here to the commit (gap-free numbers),
    # so what does not need the number is done before (docs/performance.md, seventh round).
    petition.number, petition.id = _next_number(office=office, year=local_date(received_at).year)
    petition.save(force_insert=True)
    mark_repeated([petition.repeat_of_id])
    sealed = []
    for clean in clean_reps:
        rep = Representative(petition=petition)
        person_seal(rep, clean)
        sealed.append(rep)
    Representative.objects.bulk_create(sealed)
    _save_files(petition, attachments, kind=attachment_kind, actor=actor, content_types=content_types)
    return Registration(petition=petition, query_code=code, first_deadline=first)


@transaction.atomic
def petition_register(
    *,
    actor: Any,
    channel: str,
    content: str,
    received_at: dt.datetime | None = None,
    petitioner: dict[str, Any] | None = None,
    office: Unit | None = None,
    area: Area | None = None,
    category: Category | None = None,
    purpose: str = "",
    title: str = "",
    headcount: int = 1,
    representatives: list[dict[str, Any]] | None = None,
    no_representative_reason: str = "",
    attachments: list[UploadedFile[Any]] | None = None,
    is_repeat: bool = False,
    repeat_of: Petition | None = None,
    is_skip_level: bool = False,
    confidential: bool = False,
    accused_unit: Unit | None = None,
    accused_person: str = "",
    skip_level_to: str = "",
    email: str = "",
    send_query_code: bool = False,
) -> Registration:
    """A clerk (登记员) or officer registers a petition received by any channel.

    Every letter is registered: only the channel and the content are required. The received date
    may lie in the past (a letter received last week). Opens the 15-day `transfer` limit (Art 22).
    """
    ctx = actor_context(actor)
    offices = [u for u in ctx.units_with(Role.CLERK, Role.DISPATCHER) if u.kind == Unit.Kind.XINFANG]
    if office is None:
        office = offices[0] if offices else None
    if office is None or office.pk not in {u.pk for u in offices}:
        raise NotPermitted("只有信访部门的登记员或受理分办人员可以登记信访事项")
    reg = _intake(
        actor=actor,
        office=office,
        status=Status.REGISTERED,
        channel=channel,
        received_at=received_at or timezone.now(),
        petitioner=petitioner or {},
        area=area,
        category=category,
        purpose=purpose,
        title=title,
        content=content,
        headcount=headcount,
        representatives=representatives or [],
        no_representative_reason=(no_representative_reason or "").strip()[:500],
        attachments=attachments or [],
        attachment_kind=Attachment.Kind.LETTER if channel == Channel.LETTER else Attachment.Kind.EVIDENCE,
        is_repeat=is_repeat,
        repeat_of=repeat_of,
        is_skip_level=is_skip_level,
        confidential=confidential,
        accused_unit=accused_unit,
        accused_person=accused_person,
        skip_level_to=skip_level_to or "",
    )
    petition = reg.petition
    reason = (no_representative_reason or "").strip()[:500]
    unnamed = not any(str(r.get("name") or "").strip() for r in representatives or [])
    note = steps.registration_note(
        channel=channel,
        is_group=petition.is_group,
        is_repeat=petition.is_repeat,
        is_skip_level=petition.is_skip_level,
        extra=f"未推选代表：{reason}" if petition.is_group and reason and unnamed else "",
    )
    return _intake_record(
        reg,
        action=Action.REGISTER,
        actor=actor,
        unit=office,
        note=note,
        public_text=notices.registered(office=office.name, day=local_date(), number=petition.number),
        audit_unit_id=office.pk,
        audit_data={"channel": channel, **({"no_representative_reason": reason} if reason else {})},
        email=email,
        send_code=send_query_code,
    )


def _intake_record(
    reg: Registration,
    *,
    action: Action,
    actor: Any,
    unit: Unit | None,
    note: str,
    public_text: str,
    audit_unit_id: int | None = None,
    audit_data: dict[str, Any] | None = None,
    ip: str | None = None,
    email: str = "",
    send_code: bool = False,
) -> Registration:
    """The common ending of both intakes: the first event, the transfer limit the intake computed, the audit,
    and the messages (the petitioner's receipt, the office's inbox; messaging.after_intake)."""
    petition = reg.petition
    event = event_draft(
        petition=petition,
        action=action.value,
        actor=actor,
        unit=unit,
        note=note,
        to_status=petition.status,
        public=True,
        public_text=public_text,
    )
    deadline = reg.first_deadline  # the transfer limit from the day received, computed by the intake
    deadlines.deadline_attach(deadline, petition)
    audit = audit_draft(
        actor=actor,
        action=f"petition.{action.value}",
        target=petition,
        unit_id=audit_unit_id,
        ip=ip,
        data={**(audit_data or {}), "number": petition.number},
        seal=events_seal([event]),
    )
    # The three rows together (two statements on PostgreSQL); the audit chain's head stays locked from
    # there to the commit.
    intake_write.first_rows(event=event, deadline=deadline, audit=audit)
    deadlines.deadline_opened(deadline, petition, new_case=True)
    reg.events, reg.deadlines = [event], [deadline]
    messaging.after_intake(
        petition, action=action, event=event, query_code=reg.query_code, email=email, send_code=send_code
    )
    return reg


@transaction.atomic
def petition_submit_online(
    *,
    petitioner: dict[str, Any],
    area: Area,
    content: str,
    title: str = "",
    category: Category | None = None,
    purpose: str = "",
    headcount: int = 1,
    attachments: list[UploadedFile[Any]] | None = None,
    confidential: bool = False,
    accused_person: str = "",
    accused_unit: Unit | None = None,
    ip: str | None = None,
    email: str = "",
    send_query_code: bool = False,
) -> Registration:
    """A citizen submits on the portal. The case waits in the office's 待登记 inbox.

    The portal asks for name and a mobile number so the office can reach the petitioner.
    """
    errors: dict[str, list[str]] = {}
    if not str(petitioner.get("name") or "").strip():
        errors["name"] = ["请填写您的姓名"]
    if not str(petitioner.get("phone") or "").strip():
        errors["phone"] = ["请填写联系电话，以便办理单位联系您"]
    office = office_for_area(area)
    if office is None:
        errors["area"] = ["该地区尚未开通网上信访，请选择上一级地区"]
        raise ValidationFailed(errors)
    reg = _intake(
        errors=errors,  # the intake adds its own and raises them all together
        actor="信访人（网上）",
        office=office,
        status=Status.SUBMITTED,
        channel=Channel.ONLINE,
        received_at=timezone.now(),
        petitioner=petitioner,
        area=area,
        category=category,
        purpose=purpose,
        title=title,
        content=content,
        headcount=headcount,
        representatives=[],
        attachments=attachments or [],
        attachment_kind=Attachment.Kind.EVIDENCE,
        is_repeat=False,
        repeat_of=None,
        is_skip_level=False,
        confidential=confidential,
        accused_unit=accused_unit,
        accused_person=accused_person,
    )
    petition = reg.petition
    return _intake_record(
        reg,
        action=Action.SUBMIT,
        actor="信访人（网上）",
        unit=None,
        note="网上信访提交",
        public_text=notices.submitted(day=local_date(), number=petition.number, office=office.name),
        ip=ip,
        email=email,
        send_code=send_query_code,
    )


@transaction.atomic
def petition_register_submitted(
    *,
    actor: Any,
    petition_id: int,
    category: Category | None = None,
    purpose: str | None = None,
    area: Area | None = None,
    is_repeat: bool = False,
    repeat_of: Petition | None = None,
    is_skip_level: bool = False,
    note: str = "",
) -> Petition:
    """A clerk checks an online submission, completes its classification and registers it."""
    petition = _lock(petition_id)
    if purpose and purpose not in Purpose.values:
        raise ValidationFailed("信访目的无效", field="purpose")
    eff = steps.effect(petition, Action.REGISTER, at=timezone.now(), note=note)
    petition.registered_by = actor
    petition.is_repeat = is_repeat or repeat_of is not None
    petition.repeat_of = repeat_of
    petition.is_skip_level = is_skip_level
    extra = ["registered_by", "is_repeat", "repeat_of", "is_skip_level"]
    if category is not None:
        petition.category = category
        extra.append("category")
    if purpose:
        petition.purpose = purpose
        extra.append("purpose")
    if area is not None:
        petition.area, petition.area_path = area, area.path
        extra += ["area", "area_path"]
    mark_repeated([petition.repeat_of_id])
    return _apply(petition, eff, actor=actor, extra_fields=tuple(extra))
