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

import datetime as dt
import gc
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection, models, transaction

from xinfang.accounts.models import Area, Unit
from xinfang.core import crypto
from xinfang.core.audit import audit_record
from xinfang.core.errors import InvalidTransition, ValidationFailed
from xinfang.core.timeutil import local_date
from xinfang.deadlines.models import Party
from xinfang.petitions.deadlines.facts import copy_facts
from xinfang.petitions.deadlines.models import Deadline

from . import notices, services, steps
from .bulk_deadlines import BatchContext as BatchContext  # re-exported: the generator
from .bulk_deadlines import BatchDeadlines
from .bulk_numbers import reserve_blocks
from .bulk_writer import Table, new_instance, next_ids
from .models import (
    Category,
    DispatchMode,
    Event,
    Petition,
    Representative,
)
from .persons import person_seal
from .repeats import mark_repeated
from .seals import events_seal
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
    skip_level_to: str = ""  # SkipLevelTo: 赴省 / 赴京 (implies is_skip_level)
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


def _query_code() -> str:
    """services.new_query_code's code (16 symbols of its 32-letter alphabet, 80 random bits) from one
    os.urandom call instead of sixteen secrets.choice calls: the same distribution, a tenth of the time."""
    alphabet, length = services.QUERY_ALPHABET, services.QUERY_CODE_LENGTH
    bits = int.from_bytes(os.urandom((5 * length + 7) // 8), "big")
    return "".join(alphabet[(bits >> (5 * i)) & 31] for i in range(length))


# ---------------------------------------------------------------- numbers


def _assign_numbers(plans: Sequence[PetitionPlan]) -> list[str]:
    numbers = [p.number for p in plans]
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, plan in enumerate(plans):
        if not plan.number:
            groups[(plan.office.area.code[:6], local_date(plan.received_at).year)].append(i)
    if not groups:
        return numbers
    firsts = reserve_blocks({key: len(idx) for key, idx in groups.items()})
    for (scope, year), idx in groups.items():
        idx.sort(key=lambda i: (plans[i].received_at, i))
        for offset, i in enumerate(idx):
            numbers[i] = f"{scope}-{year}-{firsts[(scope, year)] + offset:06d}"
    return numbers


# ---------------------------------------------------------------- building one case in memory


class _Case:
    def __init__(self, ctx: BatchContext, plan: PetitionPlan, number: str, code: str, actor: Any) -> None:
        self.plan = plan
        office = plan.office
        reg_at = plan.registered_at or plan.received_at
        status = Status.SUBMITTED if plan.submitted else Status.REGISTERED
        accused = plan.accused_unit
        registrar = actor if getattr(actor, "is_authenticated", False) and not plan.submitted else None
        p = new_instance(
            Petition,
            {
                "number": number,
                "query_code_hash": services.query_code_hash(code),
                "channel": str(plan.channel),
                "received_at": plan.received_at,
                "registered_at": None if plan.submitted else reg_at,
                "registered_by_id": registrar.pk if registrar else None,
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
                "is_skip_level": plan.is_skip_level or bool(plan.skip_level_to),
                "skip_level_to": plan.skip_level_to,
                "status": status.value,
                "status_changed_at": reg_at,
                "office_unit_id": office.id,
                "office_path": office.path,
            },
        )
        cache = p._state.fields_cache
        cache["office_unit"], cache["area"], cache["category"] = office, plan.area, plan.category
        person = plan.petitioner
        person_seal(
            p,
            {
                "id_number": person.get("id_number", ""),
                "phone": person.get("phone", ""),
                "name": (person.get("name") or "")[:100],
                "address": (person.get("address") or "")[:200],
            },
        )
        self.petition = p
        self.events: list[Event] = []
        self.reps: list[Representative] = []
        for r in plan.representatives:
            rep = new_instance(Representative, {})
            person_seal(
                rep, {"id_number": r.get("id_number", ""), "phone": r.get("phone", ""), "name": r["name"][:100]}
            )
            self.reps.append(rep)
        self.deadlines = BatchDeadlines(ctx, p)
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
            new_instance(
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
        # A rating's action follows from the rating (steps.rating_action): 不满意 never closes the case.
        asked = steps.rating_action(s.rating) if s.action in (Action.RATE, Action.RATE_UNSATISFIED) else s.action
        action, current, target = _transition(p.status, asked)
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
    ctx = context or BatchContext()
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
        ids = next_ids(Petition, len(petitions))
    for petition, pk in zip(petitions, ids, strict=True):
        petition.id = pk
    Table(Petition, with_pk=True).write(petitions)
    mark_repeated(p.repeat_of_id for p in petitions)
    events, deadlines, reps = [], [], []
    for c in cases:
        pid = c.petition.id
        for e in c.events:
            e.petition_id = pid
            events.append(e)
        for d in c.deadlines.rows:
            d.petition_id = pid
            copy_facts(d, c.petition)  # as the case ends up: what services._apply keeps them at
            deadlines.append(d)
        for r in c.reps:
            r.petition_id = pid
            reps.append(r)
    Table(Event, with_pk=False).write(events)
    Table(Deadline, with_pk=False).write(deadlines)
    Table(Representative, with_pk=False).write(reps)
    ordered = sorted(numbers)
    audit_record(
        actor=actor or "系统",
        action="petition.bulk_import",
        data={"count": len(petitions), "first": ordered[0], "last": ordered[-1], "source": source},
        seal=events_seal(events),
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
    return next_ids(Petition, len(plans))


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
