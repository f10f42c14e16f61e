"""Shared by the service modules (private to the package): the lock, the transition, applying a
steps.Effect, files, query codes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.utils import timezone

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Area, Unit
from xinfang.core import crypto
from xinfang.core.audit import audit_record
from xinfang.core.errors import InvalidTransition, ValidationFailed
from xinfang.petitions.access import ensure_can_act
from xinfang.petitions.deadlines import schedule as deadlines
from xinfang.petitions.deadlines.facts import deadlines_follow_case
from xinfang.petitions.deadlines.models import Deadline

from .. import messaging, steps, uploads
from ..models import (
    Attachment,
    Event,
    Petition,
)
from ..seals import events_seal
from ..timeline import event_record
from ..workflow import ACTIONS, Action, Status, allowed, target_of

QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols, no 0/O/1/I: 5 bits each
QUERY_CODE_LENGTH = 16  # 80 bits of entropy


@dataclass
class Registration:
    petition: Petition
    query_code: str  # shown once to the clerk or the citizen, never stored in clear
    first_deadline: Deadline  # the transfer limit as the intake computed it, written with the first event
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
    from ..models import NumberSequence

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
) -> Event:
    """Check the (state, action) pair and the actor; move the state; write event + audit. Returns the event."""
    current = Status(petition.status)
    if not allowed(current, action):
        raise InvalidTransition(f"该信访事项当前为“{current.label}”，不能执行“{action.label}”")
    if check_actor:
        ensure_can_act(actor, petition, action)
    target = target_of(current, action)
    unit = _actor_unit(actor, petition, ACTIONS[action].unit) if check_actor else None
    petition.status = target
    petition.status_changed_at = timezone.now()
    event = event_record(
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
        seal=events_seal([event]),
    )
    return event


def _apply(
    petition: Petition, eff: steps.Effect, *, actor: Any, check_actor: bool = True, extra_fields: tuple[str, ...] = ()
) -> Petition:
    """Record `eff` (steps.effect) through the ORM: state, event + audit, fields, the deadlines, then the
    messages to the people concerned (petitions.messaging; sent after commit)."""
    event = _transition(
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
    deadlines_follow_case(petition, [*eff.fields, *extra_fields])  # the copies on its limits (statistics)
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
    messaging.after_step(petition, eff, event)
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
