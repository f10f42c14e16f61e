"""Every write to a petition. Staff pages, the portal, the API, imports and commands call these.

Each business action: loads the row locked, checks the actor and the transition, writes the change,
one timeline event and one audit record in one transaction, and (re)schedules the deadlines.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from xinfang.accounts.access import actor_context, can_see_identity, ensure_can_act
from xinfang.accounts.models import Area, Role, Unit
from xinfang.core import crypto
from xinfang.core.audit import audit_record
from xinfang.core.errors import DeadlinePassed, InvalidTransition, NotPermitted, ValidationFailed
from xinfang.core.notify import notify
from xinfang.core.timeutil import local_date
from xinfang.core.validators import normalize_id_number, normalize_phone
from xinfang.deadlines import services as deadlines
from xinfang.deadlines.models import Deadline

from . import notices, steps, uploads
from .models import (
    Attachment,
    Category,
    Channel,
    DispatchMode,
    Event,
    Outcome,
    Petition,
    Purpose,
    Rating,
    Representative,
    ReviewOutcome,
)
from .notices import LEGAL_ROUTES as LEGAL_ROUTES  # re-exported: forms, API
from .notices import UNSATISFIED_NEXT as UNSATISFIED_NEXT
from .persons import id_hash as id_hash  # re-exported: selectors
from .persons import person_seal
from .persons import phone_hash as phone_hash
from .timeline import event_record
from .workflow import ACTIONS, Action, Status, allowed, target_of

QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols, no 0/O/1/I: 5 bits each
QUERY_CODE_LENGTH = 16  # 80 bits of entropy


@dataclass
class Registration:
    petition: Petition
    query_code: str  # shown once to the clerk or the citizen, never stored in clear
    deadline_config: deadlines.DeadlineConfig | None = None  # the rules the intake counted with
    first_deadline: Deadline | None = None  # the transfer limit as the intake computed it, opened next
    # What the registration wrote, for an answer that needs no second look at the database.
    events: list[Event] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)


# ---------------------------------------------------------------- helpers


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def format_query_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_query_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def query_code_hash(code: str) -> str:
    return crypto.blind_index(normalize_query_code(code), purpose="query")


def office_for_area(area: Area) -> Unit | None:
    """The nearest 信访部门 whose area contains `area` (the office that registers online petitions)."""
    codes = [c for c in area.path.strip("/").split("/") if c]
    for code in reversed(codes):
        unit: Unit | None = (
            Unit.objects.filter(kind=Unit.Kind.XINFANG, area__code=code, active=True).order_by("id").first()
        )
        if unit:
            return unit
    return None


def _next_number(*, office: Unit, year: int) -> tuple[str, int | None]:
    """Area code + year + sequence, e.g. 411621-2026-000123. One `UPDATE … RETURNING` both increments
    and locks the counter row until commit, so numbers are gap-free and never repeat. On PostgreSQL the
    same statement takes the new case's primary key from its sequence (returned second; None elsewhere),
    so the case is inserted with its key already set."""
    from .models import NumberSequence

    scope = office.area.code[:6]
    sql = 'UPDATE "petitions_numbersequence" SET last = last + 1 WHERE scope = %s AND year = %s RETURNING last'
    if connection.vendor == "postgresql":
        sql += ", nextval(pg_get_serial_sequence('petitions_petition', 'id'))"
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope, year])
        row = cursor.fetchone()
        if row is None:  # the office's first case of the year
            NumberSequence.objects.bulk_create([NumberSequence(scope=scope, year=year, last=0)], ignore_conflicts=True)
            cursor.execute(sql, [scope, year])
            row = cursor.fetchone()
    return f"{scope}-{year}-{row[0]:06d}", (row[1] if len(row) > 1 else None)


def _lock(petition_id: int) -> Petition:
    try:
        return (
            Petition.objects.select_for_update(no_key=True, of=("self",))
            .select_related("current_unit", "office_unit", "area")
            .get(pk=petition_id)
        )
    except Petition.DoesNotExist:
        raise ValidationFailed("信访事项不存在") from None


def _actor_unit(actor: Any, petition: Petition, relation: str) -> Unit | None:
    ctx = actor_context(actor)
    relations: dict[str, list[int | None]] = {
        "office": [petition.office_unit_id],
        "current": [petition.current_unit_id],
        "review": [petition.review_unit_id],
        "office_or_current": [petition.current_unit_id, petition.office_unit_id],
        "involved": [petition.review_unit_id, petition.current_unit_id, petition.office_unit_id],
    }
    for uid in relations.get(relation, []):
        if uid in ctx.units:
            return ctx.units[uid]
    return ctx.primary_unit


def _transition(
    petition: Petition,
    action: Action,
    *,
    actor: Any,
    note: str = "",
    public: bool = False,
    public_text: str = "",
    data: dict[str, Any] | None = None,
    check_actor: bool = True,
) -> Status:
    """Check the (state, action) pair and the actor; move the state; write event + audit."""
    current = Status(petition.status)
    if not allowed(current, action):
        raise InvalidTransition(f"该信访事项当前为“{current.label}”，不能执行“{action.label}”")
    if check_actor:
        ensure_can_act(actor, petition, action)
    target = target_of(current, action)
    unit = _actor_unit(actor, petition, ACTIONS[action].unit) if check_actor else None
    petition.status = target
    petition.status_changed_at = timezone.now()
    event_record(
        petition=petition,
        action=action.value,
        actor=actor,
        unit=unit,
        note=note,
        from_status=current.value,
        to_status=target.value,
        public=public,
        public_text=public_text,
        data=data,
    )
    audit_record(
        actor=actor,
        action=f"petition.{action.value}",
        target=petition,
        unit_id=unit.pk if unit else None,
        data={"from": current.value, "to": target.value, **(data or {})},
    )
    return target


def _apply(
    petition: Petition, eff: steps.Effect, *, actor: Any, check_actor: bool = True, extra_fields: tuple[str, ...] = ()
) -> Petition:
    """Record `eff` (steps.effect) through the ORM: state, event + audit, fields, then the deadlines."""
    _transition(
        petition,
        eff.action,
        actor=actor,
        note=eff.note,
        public=bool(eff.public_text),
        public_text=eff.public_text,
        data=eff.data or None,
        check_actor=check_actor,
    )
    for name, value in eff.fields.items():
        setattr(petition, name, value)
    moved = ["status", "status_changed_at"] if eff.target != eff.current else []
    petition.save(update_fields=[*moved, *eff.fields, *extra_fields, "updated_at"])
    for op in eff.deadlines:
        if op.op == "open":
            assert op.start is not None
            deadlines.deadline_open(
                petition=petition, code=op.code, start=op.start, due_override=op.due_override, note=op.note
            )
        elif op.op == "close":
            deadlines.deadline_close(petition=petition, code=op.code)
        elif op.op == "cancel_all":
            deadlines.deadline_cancel_all(petition=petition, party=op.party)
        elif op.op == "extend":
            deadlines.deadline_extend(petition=petition, code=op.code, days=op.days)
        elif op.op == "pause":
            deadlines.deadline_pause(petition=petition, code=op.code)
        else:
            deadlines.deadline_resume(petition=petition, code=op.code)
    return petition


def _require(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def check_files(files: list[UploadedFile[Any]], *, field: str = "attachments") -> dict[int, str]:
    """Size and kind (by content, uploads.check_upload) of every file; all problems at once.

    Returns the content type each file was found to be, keyed by id(file), for the Attachment row."""
    limit = settings.XINFANG_MAX_ATTACHMENT_BYTES
    problems: list[str] = []
    kinds: dict[int, str] = {}
    for f in files:
        if f.size is not None and f.size > limit:
            problems.append(
                f"附件“{f.name}”大小为 {f.size / 1048576:.1f} MB，超过单个附件 {limit // 1048576} MB 的上限"
            )
            continue
        if f.size == 0:
            problems.append(f"附件“{f.name}”是空文件")
            continue
        try:
            kinds[id(f)] = uploads.check_upload(f, field=field).mime
        except ValidationFailed as exc:
            problems.append(exc.message)
    if problems:
        raise ValidationFailed({field: problems})
    return kinds


def _save_files(
    petition: Petition,
    files: list[UploadedFile[Any]],
    *,
    kind: str,
    actor: Any,
    content_types: dict[int, str],
) -> list[Attachment]:
    saved = []
    for f in files:
        name = (f.name or "附件")[-200:]
        att = Attachment(
            petition=petition,
            original_name=name,
            size=f.size or 0,
            content_type=content_types[id(f)][:100],  # what the bytes are, not what the browser said
            kind=kind,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        att.file.save(f"{secrets.token_hex(8)}{_safe_suffix(name)}", f, save=False)
        att.save()
        saved.append(att)
    return saved


def _safe_suffix(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return f".{suffix}" if suffix.isalnum() and len(suffix) <= 8 else ""


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
        petitioner_name=person["name"],
        petitioner_address=person["address"],
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
        is_skip_level=is_skip_level,
        status=status,
        status_changed_at=now,
        office_unit=office,
        office_path=office.path,
    )
    person_seal(petition, person)
    # Both intake paths open the 15-day transfer limit next, computed here once: the case goes in with its
    # due date already set, so opening the deadline does not have to update the row again.
    first = deadlines.deadline_draft(petition=petition, code="transfer", start=local_date(received_at), config=config)
    petition.due_date, petition.deadline_state = deadlines.deadline_preview(first)
    # Only now the number: the office's counter stays locked from here to the commit (gap-free numbers),
    # so what does not need the number is done before (docs/performance.md, seventh round).
    petition.number, petition.id = _next_number(office=office, year=local_date(received_at).year)
    petition.save(force_insert=True)
    sealed = []
    for clean in clean_reps:
        rep = Representative(petition=petition, name=clean["name"])
        person_seal(rep, clean)
        sealed.append(rep)
    Representative.objects.bulk_create(sealed)
    _save_files(petition, attachments, kind=attachment_kind, actor=actor, content_types=content_types)
    return Registration(petition=petition, query_code=code, deadline_config=config, first_deadline=first)


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
) -> Registration:
    """The common ending of both intakes: the first event, the transfer limit the intake computed, the audit."""
    petition = reg.petition
    event = event_record(
        petition=petition,
        action=action.value,
        actor=actor,
        unit=unit,
        note=note,
        to_status=petition.status,
        public=True,
        public_text=public_text,
    )
    deadline = deadlines.deadline_open(
        petition=petition,
        code="transfer",
        start=local_date(petition.received_at),
        new_case=True,
        config=reg.deadline_config,
        draft=reg.first_deadline,
    )
    # Last: the audit chain's head stays locked from here to the commit.
    audit_record(
        actor=actor,
        action=f"petition.{action.value}",
        target=petition,
        unit_id=audit_unit_id,
        ip=ip,
        data={**(audit_data or {}), "number": petition.number},
    )
    reg.events, reg.deadlines = [event], [deadline]
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
    _intake_record(
        reg,
        action=Action.SUBMIT,
        actor="信访人（网上）",
        unit=None,
        note="网上信访提交",
        public_text=notices.submitted(day=local_date(), number=petition.number, office=office.name),
        ip=ip,
    )
    transaction.on_commit(
        lambda: notify(
            kind="new_online", subject=f"新的网上信访：{petition.number}", unit_id=office.pk, petition_id=petition.pk
        )
    )
    return reg


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
    return _apply(petition, eff, actor=actor, extra_fields=tuple(extra))


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
    mode_label = DispatchMode(mode).label
    eff = steps.effect(
        petition, Action.DISPATCH, at=timezone.now(), note=note, unit=unit, mode=mode, assign_due_date=assign_due_date
    )
    _apply(petition, eff, actor=actor)
    transaction.on_commit(
        lambda: notify(
            kind="dispatched",
            subject=f"{mode_label}件：{petition.number} {petition.title}",
            unit_id=unit.pk,
            petition_id=petition.pk,
        )
    )
    return petition


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
    _apply(petition, steps.effect(petition, Action.OBJECT, at=timezone.now(), reason=reason), actor=actor)
    transaction.on_commit(
        lambda: notify(
            kind="objection",
            subject=f"异议退回：{petition.number}",
            body=reason,
            unit_id=petition.office_unit_id,
            petition_id=petition.pk,
        )
    )
    return petition


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
    unsatisfied = rating == Rating.UNSATISFIED
    eff = steps.effect(
        petition,
        Action.RATE_UNSATISFIED if unsatisfied else Action.RATE,
        at=timezone.now(),
        rating=rating,
        comment=comment,
        via=via,
    )
    _apply(petition, eff, actor=actor if staff else "信访人（网上）", check_actor=staff)
    if unsatisfied:
        transaction.on_commit(
            lambda: notify(
                kind="unsatisfied",
                subject=f"信访人不满意，待回访研判：{petition.number}",
                body=(comment or "").strip(),
                unit_id=petition.office_unit_id,
                petition_id=petition.pk,
            )
        )
    return petition


@transaction.atomic
def petition_rehandle(*, actor: Any, petition_id: int, reason: str) -> Petition:
    """After a 不满意: the office has the handling unit handle the case again, under a new handling
    limit counted from today (the "handle" rule in force for the case). The petitioner's 复查 window
    of the first reply ends: the new reply opens a new one."""
    petition = _lock(petition_id)
    reason = _require(reason, "请写明重新办理的要求（将告知承办单位和信访人）", "reason")
    _apply(petition, steps.effect(petition, Action.REHANDLE, at=timezone.now(), reason=reason), actor=actor)
    transaction.on_commit(
        lambda: notify(
            kind="rehandle",
            subject=f"责成重新办理：{petition.number}",
            body=reason,
            unit_id=petition.current_unit_id,
            petition_id=petition.pk,
        )
    )
    return petition


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
def petition_decide_review(*, actor: Any, petition_id: int, outcome: str, text: str) -> Petition:
    petition = _lock(petition_id)
    if outcome not in ReviewOutcome.values:
        raise ValidationFailed("请选择复查意见", field="outcome")
    text = _require(text, "请填写复查意见书正文", "text")
    eff = steps.effect(petition, Action.DECIDE_REVIEW, at=timezone.now(), outcome=outcome, text=text)
    return _apply(petition, eff, actor=actor)


@transaction.atomic
def petition_request_recheck(*, petition_id: int, reason: str, ip: str | None = None) -> Petition:
    """复核 (Art 36): within 30 days of the 复查 reply, to the level above the reviewer."""
    return _request_higher_review(_RECHECK, petition_id=petition_id, reason=reason, ip=ip)


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


# ---------------------------------------------------------------- materials and personal data


@transaction.atomic
def petition_attach(*, actor: Any, petition_id: int, files: list[UploadedFile[Any]], kind: str) -> list[Attachment]:
    petition = _lock(petition_id)
    if not files:
        raise ValidationFailed("请选择要上传的文件", field="files")
    if kind not in Attachment.Kind.values:
        raise ValidationFailed("附件类型无效", field="kind")
    content_types = check_files(files, field="files")
    _transition(petition, Action.ATTACH, actor=actor, note="上传附件：" + "、".join(f.name or "" for f in files))
    return _save_files(petition, files, kind=kind, actor=actor, content_types=content_types)


@transaction.atomic
def petition_release_identity(*, actor: Any, petition_id: int, reason: str) -> Petition:
    """The office lets the handling unit see a confidential petitioner's identity, with a reason."""
    petition = _lock(petition_id)
    reason = _require(reason, "请填写公开身份的理由", "reason")
    if not petition.confidential or petition.identity_released:
        raise InvalidTransition("该信访人未要求保密或身份已公开")
    _transition(petition, Action.RELEASE_IDENTITY, actor=actor, note=reason)
    petition.identity_released = True
    petition.save(update_fields=["identity_released", "updated_at"])
    return petition


@transaction.atomic
def petition_take_on(*, actor: Any, petition_id: int, note: str = "") -> Petition:
    """领导包案 (Art 18(2)): a leader takes personal charge of a hard case."""
    petition = _lock(petition_id)
    if petition.leader_id:
        assert petition.leader is not None  # a set leader_id is a loaded leader
        raise InvalidTransition(f"该信访事项已由{petition.leader.get_full_name()}包案")
    _transition(petition, Action.TAKE_ON, actor=actor, note=note or "领导包案")
    petition.leader = actor
    petition.save(update_fields=["leader", "updated_at"])
    return petition


UNMASK_ROLES = {Role.CLERK, Role.DISPATCHER, Role.HEAD, Role.HANDLER}


def petition_unmask(*, actor: Any, petition: Petition, reason: str, ip: str | None = None) -> dict[str, str]:
    """Full ID and phone, for a user with the right who gives a reason. Every unmasking is logged."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed("查看完整号码须填写理由", field="reason")
    ctx = actor_context(actor)
    related = {petition.office_unit_id, petition.current_unit_id, petition.review_unit_id}
    if not any(ctx.roles_in(uid) & UNMASK_ROLES for uid in related if uid) or not can_see_identity(actor, petition):
        raise NotPermitted("您没有查看完整身份证号和电话的权限")
    audit_record(actor=actor, action="pii.unmask", target=petition, ip=ip, data={"reason": reason[:200]})
    return {
        "id_number": crypto.decrypt(petition.id_number_enc),
        "phone": crypto.decrypt(petition.phone_enc),
    }


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
        event_record(petition=petition, action="reissue_code", actor=actor, note="重新生成查询码")
        audit_record(actor=actor, action="petition.reissue_code", target=petition)
    return code


__all__ = [name for name in dir() if name.startswith("petition_")] + ["Registration", "LEGAL_ROUTES"]
