"""The one fast path that writes many petitions at once: the Excel/CSV import and the data generator.

A bulk-written case must be indistinguishable from one written through `petitions.services`:

- its number comes from the same `NumberSequence` (a block reserved with one locked update per
  (scope, year), so concurrent clerks and an import never collide);
- ID and phone are sealed by `persons.person_seal` (AES-GCM + blind index + mask);
- area_path / office_path / current_path / accused_path are set like the services set them;
- every step has its timeline `Event`, with the public texts the portal shows;
- the `Deadline` rows are those the services would have opened, closed, extended or cancelled, with
  due dates from the same rules (`deadlines.services.rule_for`) and the same pure engine
  (`deadlines.engine.compute_due`, `deadlines.services.apply_due` / `state_of`), and the petition's
  due_date / deadline_state are those `deadlines.services` keeps;
- one audit record (`petition.bulk_import`) covers the whole batch.

The caller gives a list of `PetitionPlan` (the case as received plus the steps it went through, each
with its date); `bulk_write` checks each step against `workflow.ACTIONS` and writes everything in one
transaction: `executemany` on SQLite, `COPY … FROM STDIN` on PostgreSQL (see "writing" below).
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import json
import operator
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from xinfang.accounts.models import Area, Unit
from xinfang.core import crypto
from xinfang.core.audit import audit_record
from xinfang.core.errors import InvalidTransition, ValidationFailed
from xinfang.core.timeutil import local_date
from xinfang.deadlines import engine
from xinfang.deadlines import services as dl
from xinfang.deadlines.calendar import DayInfo, WorkCalendar
from xinfang.deadlines.models import Deadline, Party, TimeLimitRule

from . import notices, services, steps
from .models import (
    Category,
    DispatchMode,
    Event,
    NumberSequence,
    Petition,
    Representative,
)
from .persons import person_seal
from .workflow import Action, Status, allowed, target_of

OPEN = Deadline.Status.OPEN.value
CANCELLED, MET, LATE = Deadline.Status.CANCELLED.value, Deadline.Status.MET.value, Deadline.Status.LATE.value
ORGAN = Party.ORGAN.value


@lru_cache(maxsize=256)
def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label)


@lru_cache(maxsize=1024)
def _transition(status: str, action: str) -> tuple[Action, Status, Status | None]:
    """workflow's verdict on (state, action), looked up once: the action, the state, the target or None."""
    act, cur = Action(action), Status(status)
    return act, cur, (target_of(cur, act) if allowed(cur, act) else None)


BATCH_SIZE = 2000


# ---------------------------------------------------------------- what the caller gives


@dataclass
class Step:
    """One business action after registration, as the matching service would record it."""

    action: str  # a workflow.Action value
    at: dt.datetime
    actor_name: str = ""
    note: str = ""
    unit: Unit | None = None  # dispatch: the responsible unit
    mode: str = DispatchMode.TRANSFER  # dispatch: transfer | assign
    assign_due_date: dt.date | None = None
    days: int = 0  # request_extension
    outcome: str = ""  # submit_reply (Outcome), decide_review / decide_recheck (ReviewOutcome)
    facts: str = ""
    reasons: str = ""
    basis: str = ""
    text: str = ""  # reply opinion, review or recheck text
    rating: str = ""
    reason: str = ""  # reject, request_review, request_recheck, request_extension
    legal_route: str = "other"
    final: bool = False  # reject: 不再受理


@dataclass
class PetitionPlan:
    office: Unit
    channel: str
    received_at: dt.datetime
    area: Area
    title: str
    content: str
    petitioner: dict[str, str]  # name, id_number, phone, address: already normalized
    category: Category | None = None
    purpose: str = ""
    headcount: int = 1
    confidential: bool = False
    accused_unit: Unit | None = None
    accused_person: str = ""
    is_repeat: bool = False
    repeat_of_id: int | None = None
    is_skip_level: bool = False
    representatives: list[dict[str, str]] = field(default_factory=list)
    number: str = ""  # empty: reserved from NumberSequence; else kept (an imported 编号)
    query_code: str = ""  # empty: a new random code
    submitted: bool = False  # arrived online (待登记) rather than registered by a clerk
    registered_at: dt.datetime | None = None  # defaults to received_at
    registrar_name: str = ""
    steps: list[Step] = field(default_factory=list)


@dataclass
class BulkResult:
    count: int
    first: str
    last: str
    ids: list[int]
    codes: list[tuple[str, str]]  # (number, query code) of every petition written, in plan order


# ---------------------------------------------------------------- rules and due dates, cached per batch


class _Deadlines:
    """Deadline rows for one case, opened / closed / extended in memory exactly as deadlines.services does."""

    def __init__(self, ctx: _Context, petition: Petition) -> None:
        self.ctx = ctx
        self.petition = petition
        self.rows: list[Deadline] = []
        self.received = local_date(petition.received_at)

    def _open_row(self, code: str) -> Deadline | None:
        return next((d for d in self.rows if d.code == code and d.status == OPEN), None)

    def open(
        self, code: str, start: dt.date, at: dt.datetime, *, due_override: dt.date | None = None, note: str = ""
    ) -> None:
        old = self._open_row(code)
        if old is not None:
            old.status, old.closed_at = CANCELLED, at
        rule, fallback = self.ctx.rule(code, self.petition.area_path, self.received)
        # State: 正常 until judged at closing or, for those still open, on `today` (finish()).
        d = _fast(
            Deadline,
            {
                "code": code,
                "rule_id": rule.id,
                "party": rule.party,
                "start_date": start,
                "due_override": due_override,
                "note": note[:200],
                "status": OPEN,
                "state": engine.NORMAL,
            },
        )
        d._state.fields_cache["rule"] = rule
        self._compute(d)
        if fallback:
            d.basis = f"{d.basis}；{fallback}"
        self.rows.append(d)

    def _compute(self, d: Deadline) -> None:
        dl.apply_due(d, self.ctx.due(d.rule, d.start_date, d.extension_days, d.paused_days, d.due_override, d.note))

    def close(self, code: str, at: dt.datetime, day: dt.date) -> None:
        d = self._open_row(code)
        if d is None:
            return
        if d.party == ORGAN:
            d.state = self.ctx.state(d, day)
        d.status = LATE if day > d.due_date else MET
        d.closed_at = at

    def cancel_all(self, at: dt.datetime, party: str | None = None) -> None:
        for d in self.rows:
            if d.status == OPEN and (party is None or d.party == party):
                d.status, d.closed_at = CANCELLED, at

    def extend(self, code: str, days: int) -> None:
        d = self._open_row(code)
        if d is not None:
            d.extension_days += days
            self._compute(d)

    def finish(self, today: dt.date) -> None:
        """Set the open deadlines' states and the petition's due_date / deadline_state (deadlines._refresh);
        warnings already due count as sent, as if the sweep had been running all along."""
        organ = []
        for d in self.rows:
            if d.status != OPEN:
                continue
            if d.party == ORGAN:
                d.state = self.ctx.state(d, today)
                d.warned_soon = d.state in (engine.SOON, engine.OVERDUE)
                d.warned_overdue = d.state == engine.OVERDUE
                organ.append(d)
        if organ:
            first = min(organ, key=lambda d: d.effective_due(today))
            self.petition.due_date, self.petition.deadline_state = first.effective_due(today), first.state
        else:
            self.petition.due_date, self.petition.deadline_state = None, ""


class _MemoCalendar(WorkCalendar):
    """The loaded calendar, each day looked up once per batch (the package validates every call)."""

    def __init__(self, cal: WorkCalendar) -> None:
        super().__init__(cal.overrides, cal.notice_years, use_library=cal.use_library)
        self._days: dict[dt.date, DayInfo] = {}

    def day(self, day: dt.date) -> DayInfo:
        info = self._days.get(day)
        if info is None:
            info = self._days[day] = super().day(day)
        return info


class _Context:
    """Caches of a batch (or of consecutive batches of one run): the calendar, the rule chosen per (code,
    applicable versions, interval of their validity), computed due dates and deadline states."""

    def __init__(self) -> None:
        self.calendar = _MemoCalendar(dl.calendar_load())
        self.group_threshold = settings.XINFANG_GROUP_VISIT_THRESHOLD
        self.rules: dict[str, list[TimeLimitRule]] = defaultdict(list)
        for r in TimeLimitRule.objects.filter(active=True):
            self.rules[r.code].append(r)
        self._rule_cache: dict[tuple[Any, ...], tuple[TimeLimitRule, str]] = {}
        self._due_cache: dict[tuple[Any, ...], engine.DueResult] = {}
        self._path_cache: dict[tuple[str, str], tuple[tuple[int, ...], list[dt.date]]] = {}
        self.soon_days, self.soon_ratio = dl.soon_days(), dl.soon_ratio()

    def rule(self, code: str, area_path: str, on: dt.date) -> tuple[TimeLimitRule, str]:
        # The choice depends only on which versions apply to the area and which are in force on the day
        # (and which are not yet): the same between two consecutive effective_from / effective_to + 1 day
        # of the applicable versions. Key the cache on the interval and let deadlines.services choose on a miss.
        hit = self._path_cache.get((code, area_path))
        if hit is None:
            applicable = [r for r in self.rules.get(code, []) if r.applies_to(area_path)]
            bounds = sorted(
                [r.effective_from for r in applicable]
                + [r.effective_to + dt.timedelta(days=1) for r in applicable if r.effective_to is not None]
            )
            hit = self._path_cache[(code, area_path)] = (tuple(r.pk for r in applicable), bounds)
        pks, bounds = hit
        key = (code, pks, bisect.bisect_right(bounds, on))
        chosen = self._rule_cache.get(key)
        if chosen is None:
            chosen = dl.rule_for(code=code, area=area_path, on=on)
            self._rule_cache[key] = chosen
        return chosen

    def state(self, d: Deadline, day: dt.date) -> str:
        # deadlines.services.state_of, with the two settings it reads for every call read once.
        due = d.effective_due(day)
        return engine.deadline_state(
            due=due,
            today=day,
            limit_days=(due - d.start_date).days,
            soon_days=self.soon_days,
            soon_ratio=self.soon_ratio,
        )

    def due(
        self, rule: TimeLimitRule, start: dt.date, extension: int, paused: int, override: dt.date | None, note: str
    ) -> engine.DueResult:
        key = (rule.id, start, extension, paused, override, note)
        hit = self._due_cache.get(key)
        if hit is None:
            hit = engine.compute_due(
                rule.spec(),
                start,
                self.calendar,
                extension_days=extension,
                paused_days=paused,
                due_override=override,
                override_note=note,
            )
            self._due_cache[key] = hit
        return hit


BatchContext = _Context


def _query_code() -> str:
    """services.new_query_code's code (16 symbols of its 32-letter alphabet, 80 random bits) from one
    os.urandom call instead of sixteen secrets.choice calls: the same distribution, a tenth of the time."""
    alphabet, length = services.QUERY_ALPHABET, services.QUERY_CODE_LENGTH
    bits = int.from_bytes(os.urandom((5 * length + 7) // 8), "big")
    return "".join(alphabet[(bits >> (5 * i)) & 31] for i in range(length))


# ---------------------------------------------------------------- numbers


def reserve_numbers(*, scope: str, year: int, count: int) -> list[str]:
    """`count` consecutive numbers of (scope, year), reserved with one locked update of the counter."""
    first = _reserve({(scope, year): count})[(scope, year)]
    return [f"{scope}-{year}-{n:06d}" for n in range(first, first + count)]


def _reserve(wanted: dict[tuple[str, int], int]) -> dict[tuple[str, int], int]:
    """Reserve blocks of several counters at once: create the missing rows, lock all of them with one
    SELECT … FOR UPDATE, move each forward (one executemany). Returns the first number of each block."""
    NumberSequence.objects.bulk_create(
        [NumberSequence(scope=s, year=y, last=0) for s, y in wanted], ignore_conflicts=True
    )
    scopes, years = {k[0] for k in wanted}, {k[1] for k in wanted}
    locked = NumberSequence.objects.select_for_update().filter(scope__in=scopes, year__in=years).order_by("id")
    rows = {(r.scope, r.year): r for r in locked}
    first = {key: rows[key].last + 1 for key in wanted}
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET last = %s WHERE id = %s",  # noqa: S608
            [(rows[key].last + n, rows[key].pk) for key, n in wanted.items()],
        )
    return first


def _assign_numbers(plans: Sequence[PetitionPlan]) -> list[str]:
    numbers = [p.number for p in plans]
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, plan in enumerate(plans):
        if not plan.number:
            groups[(plan.office.area.code[:6], local_date(plan.received_at).year)].append(i)
    if not groups:
        return numbers
    firsts = _reserve({key: len(idx) for key, idx in groups.items()})
    for (scope, year), idx in groups.items():
        idx.sort(key=lambda i: (plans[i].received_at, i))
        for offset, i in enumerate(idx):
            numbers[i] = f"{scope}-{year}-{firsts[(scope, year)] + offset:06d}"
    return numbers


# ---------------------------------------------------------------- building one case in memory


class _Case:
    def __init__(self, ctx: _Context, plan: PetitionPlan, number: str, code: str, actor: Any) -> None:
        self.plan = plan
        office = plan.office
        reg_at = plan.registered_at or plan.received_at
        status = Status.SUBMITTED if plan.submitted else Status.REGISTERED
        accused = plan.accused_unit
        registrar = actor if getattr(actor, "is_authenticated", False) and not plan.submitted else None
        p = _fast(
            Petition,
            {
                "number": number,
                "query_code_hash": services.query_code_hash(code),
                "channel": str(plan.channel),
                "received_at": plan.received_at,
                "registered_at": None if plan.submitted else reg_at,
                "registered_by_id": registrar.pk if registrar else None,
                "petitioner_name": (plan.petitioner.get("name") or "")[:100],
                "petitioner_address": (plan.petitioner.get("address") or "")[:200],
                "confidential": plan.confidential,
                "headcount": plan.headcount,
                "is_group": plan.headcount >= ctx.group_threshold,
                "area_id": plan.area.id,
                "area_path": plan.area.path,
                "category_id": plan.category.id if plan.category else None,
                "purpose": str(plan.purpose),
                "title": plan.title[:200],
                "content": plan.content,
                "accused_unit_id": accused.id if accused else None,
                "accused_path": accused.path if accused else "",
                "accused_person": (plan.accused_person or "")[:100],
                "is_repeat": plan.is_repeat or plan.repeat_of_id is not None,
                "repeat_of_id": plan.repeat_of_id,
                "is_skip_level": plan.is_skip_level,
                "status": status.value,
                "status_changed_at": reg_at,
                "office_unit_id": office.id,
                "office_path": office.path,
            },
        )
        cache = p._state.fields_cache
        cache["office_unit"], cache["area"], cache["category"] = office, plan.area, plan.category
        person_seal(p, {"id_number": plan.petitioner.get("id_number", ""), "phone": plan.petitioner.get("phone", "")})
        self.petition = p
        self.events: list[Event] = []
        self.reps: list[Representative] = []
        for r in plan.representatives:
            rep = _fast(Representative, {"name": r["name"][:100]})
            person_seal(rep, {"id_number": r.get("id_number", ""), "phone": r.get("phone", "")})
            self.reps.append(rep)
        self.deadlines = _Deadlines(ctx, p)
        self.actor_label = actor.get_full_name() if getattr(actor, "is_authenticated", False) else str(actor or "")
        if plan.submitted:
            self._event(
                Action.SUBMIT,
                plan.received_at,
                "信访人（网上）",
                note="网上信访提交",
                to=Status.SUBMITTED,
                public_text=notices.submitted(day=local_date(plan.received_at), number=number, office=office.name),
                unit=None,
            )
        else:
            self._event(
                Action.REGISTER,
                reg_at,
                plan.registrar_name or self.actor_label,
                note=steps.registration_note(
                    channel=plan.channel, is_group=p.is_group, is_repeat=p.is_repeat, is_skip_level=p.is_skip_level
                ),
                to=Status.REGISTERED,
                public_text=notices.registered(office=office.name, day=local_date(reg_at), number=number),
                unit=office,
            )
        self.deadlines.open("transfer", local_date(plan.received_at), reg_at)
        for step in plan.steps:
            self.apply(step)

    def _event(
        self,
        action: Action | str,
        at: dt.datetime,
        actor_name: str,
        *,
        note: str = "",
        frm: str = "",
        to: str = "",
        public_text: str = "",
        unit: Unit | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.events.append(
            _fast(
                Event,
                {
                    "at": at,
                    "actor_name": actor_name or "系统",
                    "unit_id": unit.id if unit else None,
                    "action": str(action),
                    "from_status": str(frm),
                    "to_status": str(to),
                    "note": str(note),
                    "public": bool(public_text),
                    "public_text": public_text,
                    "data": data or {},
                },
            )
        )

    def apply(self, s: Step) -> None:
        """Record one step as the service would: its effect comes from `steps.effect`, as the service's."""
        p, dls = self.petition, self.deadlines
        action, current, target = _transition(p.status, s.action)
        if target is None:
            raise InvalidTransition(f"{p.number}：当前为“{current.label}”，不能执行“{action.label}”")
        try:
            eff = steps.effect(
                p,
                action,
                at=s.at,
                note=s.note,
                unit=s.unit,
                mode=s.mode,
                assign_due_date=s.assign_due_date,
                days=s.days,
                outcome=s.outcome,
                facts=s.facts,
                reasons=s.reasons,
                basis=s.basis,
                text=s.text,
                # The bulk Step carries the 办结报告 of an assigned case in `reason`.
                completion_report=s.reason if p.dispatch_mode == DispatchMode.ASSIGN else "",
                rating=s.rating,
                comment=s.note,
                reason=s.reason,
                legal_route=s.legal_route,
                final=s.final,
            )
        except ValidationFailed as exc:
            raise ValidationFailed(f"{p.number}：{exc.message}", field=exc.field) from None
        day = local_date(s.at)
        citizen = action in steps.CITIZEN_SIDE
        self._event(
            action,
            s.at,
            "信访人（网上）" if citizen else s.actor_name,
            note=eff.note,
            frm=current.value,
            to=target.value,
            public_text=eff.public_text,
            unit=eff.unit,
            data=eff.data,
        )
        for name, value in eff.fields.items():
            setattr(p, name, value)
        for op in eff.deadlines:
            if op.op == "open":
                assert op.start is not None
                dls.open(op.code, op.start, s.at, due_override=op.due_override, note=op.note)
            elif op.op == "close":
                dls.close(op.code, s.at, day)
            elif op.op == "cancel_all":
                dls.cancel_all(s.at, party=op.party)
            elif op.op == "extend":
                dls.extend(op.code, op.days)
            else:
                raise ValidationFailed(f"批量写入不支持“{action.label}”", field="steps")
        p.status = target.value
        p.status_changed_at = s.at


# ---------------------------------------------------------------- writing
#
# Django's bulk_create spends most of its time compiling the SQL value by value (and Model.__init__ most
# of the rest). Here each table's INSERT is built once; rows are read from the instances' __dict__ and
# only dates, datetimes and JSON are prepared by their fields. SQLite gets executemany, PostgreSQL COPY.


def _fast(model: type[models.Model], values: dict[str, Any]) -> Any:
    """An unsaved instance without Model.__init__: defaults for every field, then `values` (attnames)."""
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}
        _DEFAULTS[model] = defaults
    obj = model.__new__(model)
    obj.__dict__.update(defaults)
    obj.__dict__.update(values)
    obj._state = models.base.ModelState()
    return obj


_DEFAULTS: dict[type[models.Model], dict[str, Any]] = {}


class _Table:
    def __init__(self, model: type[models.Model], *, with_pk: bool) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        qn = connection.ops.quote_name
        self.table = qn(model._meta.db_table)
        self.columns = ", ".join(qn(cast(str, f.column)) for f in self.fields)  # concrete: never None
        self.copy = connection.vendor == "postgresql" and bool(getattr(settings, "XINFANG_BULK_COPY", True))
        self.get = operator.itemgetter(*(f.attname for f in self.fields))  # raw values in one C call
        self.now_at: list[int] = []
        self.prep: list[tuple[int, Callable[[Any], Any]]] = []
        # COPY in PostgreSQL's binary format: psycopg packs ints, dates and timestamps in C and the server
        # reads them without parsing text (~0.06 ms less client CPU a generated case). Binary needs each
        # column's type up front: taken from the catalog, once per table and process.
        self.oids = _column_types(self.table, [cast(str, f.column) for f in self.fields]) if self.copy else []
        for i, f in enumerate(self.fields):
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.now_at.append(i)
            elif isinstance(f, models.JSONField):
                if not self.copy:  # binary COPY: psycopg's jsonb dumper serializes the value itself
                    self.prep.append((i, lambda v: json.dumps(v, ensure_ascii=False)))
            elif isinstance(f, models.DateTimeField) and connection.vendor == "sqlite":
                self.prep.append((i, _sqlite_datetime))
            elif isinstance(f, models.DateField) and connection.vendor == "sqlite":
                self.prep.append((i, _sqlite_date))

    def rows(self, objs: Iterable[Any], now: Any) -> Iterator[list[Any]]:
        get, now_at, prep = self.get, self.now_at, self.prep
        for obj in objs:
            row = list(get(obj.__dict__))
            for i in now_at:
                row[i] = now
            for i, fn in prep:
                v = row[i]
                if v is not None:
                    row[i] = fn(v)
            yield row

    def write(self, objs: Sequence[Any]) -> None:
        if not objs:
            return
        now = timezone.now()
        if self.copy:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types(self.oids)
                for row in self.rows(objs, now):
                    copy.write_row(row)
            return
        now_db = connection.ops.adapt_datetimefield_value(now)
        marks = ", ".join(["%s"] * len(self.fields))
        sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, list(self.rows(objs, now_db)))


_TYPES: dict[tuple[str, str], dict[str, int]] = {}


def _column_types(table: str, columns: list[str]) -> list[int]:
    """The type OIDs of `columns` of the (quoted) `table`, in that order (PostgreSQL)."""
    key = (connection.alias, table)
    types = _TYPES.get(key)
    if types is None or not types.keys() >= set(columns):  # first use, or the table changed meanwhile
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
                " AND NOT attisdropped",
                [table],
            )
            types = _TYPES[key] = {name: int(oid) for name, oid in cursor.fetchall()}
    return [types[c] for c in columns]


def _sqlite_datetime(value: dt.datetime) -> str:
    # What connection.ops.adapt_datetimefield_value stores (naive UTC text), without its per-value overhead.
    tz = value.tzinfo
    if tz is dt.UTC:
        value = value.replace(tzinfo=None)
    elif tz is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return str(value)


def _sqlite_date(value: dt.date) -> str:
    return value.isoformat()


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows, taken before the insert (we are inside the write transaction)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError("bulk import supports SQLite and PostgreSQL")
        # BEGIN IMMEDIATE (settings) holds the write lock, so nobody else takes ids meanwhile. AUTOINCREMENT
        # tables never reuse an id: start above both the largest row and the recorded sequence.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
        return list(range(top + 1, top + 1 + count))


@contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector off for the block (back on after, if it was on). A batch allocates
    hundreds of thousands of objects freed by reference counting alone; each collection the allocations
    trigger walks them and everything long-lived besides: a third of bulk_write's CPU time."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def bulk_write(
    plans: Sequence[PetitionPlan],
    *,
    actor: Any = None,
    source: str = "",
    today: dt.date | None = None,
    context: BatchContext | None = None,
    ids: Sequence[int] | None = None,
) -> BulkResult:
    """Write `plans` as petitions, with their events, deadlines and representatives; one audit record.

    Raises InvalidTransition / ValidationFailed (nothing written) when a plan's steps do not follow the
    workflow. `today` is the day deadline states are judged on (default: today in Beijing). `context`
    (a `BatchContext()`) carries the rules, calendar and computed due dates from one batch to the next
    of the same run; without it each batch loads its own. `ids`: the petitions' primary keys, already
    taken by `reserve` (parallel writers); plans then carry their numbers too.
    """
    with no_gc():
        return _bulk_write(plans, actor=actor, source=source, today=today, context=context, ids=ids)


@transaction.atomic
def _bulk_write(
    plans: Sequence[PetitionPlan],
    *,
    actor: Any = None,
    source: str = "",
    today: dt.date | None = None,
    context: BatchContext | None = None,
    ids: Sequence[int] | None = None,
) -> BulkResult:
    if not plans:
        return BulkResult(0, "", "", [], [])
    today = today or local_date()
    if connection.vendor == "sqlite":
        # A batch touches ~20 indexes of the petition table; SQLite's default 2 MB page cache spills to disk
        # mid-transaction. 64 MB is a ceiling for this connection, not an allocation.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -65536")
    ctx = context or _Context()
    numbers = _assign_numbers(plans)
    cases: list[_Case] = []
    codes: list[tuple[str, str]] = []
    with crypto.pinned():  # one key lookup for the batch, not five per case
        for plan, number in zip(plans, numbers, strict=True):
            code = plan.query_code or _query_code()
            case = _Case(ctx, plan, number, code, actor)
            case.deadlines.finish(today)
            cases.append(case)
            codes.append((number, code))
    petitions = [c.petition for c in cases]
    if ids is None:
        ids = _next_ids(Petition, len(petitions))
    for petition, pk in zip(petitions, ids, strict=True):
        petition.id = pk
    _Table(Petition, with_pk=True).write(petitions)
    events, deadlines, reps = [], [], []
    for c in cases:
        pid = c.petition.id
        for e in c.events:
            e.petition_id = pid
            events.append(e)
        for d in c.deadlines.rows:
            d.petition_id = pid
            deadlines.append(d)
        for r in c.reps:
            r.petition_id = pid
            reps.append(r)
    _Table(Event, with_pk=False).write(events)
    _Table(Deadline, with_pk=False).write(deadlines)
    _Table(Representative, with_pk=False).write(reps)
    ordered = sorted(numbers)
    audit_record(
        actor=actor or "系统",
        action="petition.bulk_import",
        data={"count": len(petitions), "first": ordered[0], "last": ordered[-1], "source": source},
    )
    return BulkResult(len(petitions), ordered[0], ordered[-1], [p.id for p in petitions], codes)


def reserve(plans: Sequence[PetitionPlan]) -> list[int]:
    """For writers in other processes: give each plan without a number its number (`plan.number`, in the
    order `bulk_write` would give them) and take the petitions' primary keys from the sequence, committed
    at once. Several processes can then write batches concurrently with `bulk_write(plans, ids=...)`; a batch
    that fails leaves a gap in the numbers, like any rolled-back sequence. PostgreSQL only."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("parallel bulk writers need PostgreSQL")
    with transaction.atomic():
        for plan, number in zip(plans, _assign_numbers(plans), strict=True):
            plan.number = number
    return _next_ids(Petition, len(plans))


def bulk_write_batches(
    plans: Iterable[PetitionPlan],
    *,
    actor: Any = None,
    source: str = "",
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> list[BulkResult]:
    """`bulk_write` in batches of `batch_size`, each its own transaction (and its own audit record)."""
    results, batch = [], []
    context = BatchContext()
    for plan in plans:
        batch.append(plan)
        if len(batch) >= batch_size:
            results.append(bulk_write(batch, actor=actor, source=source, context=context))
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        results.append(bulk_write(batch, actor=actor, source=source, context=context))
        if progress:
            progress(len(batch))
    return results
