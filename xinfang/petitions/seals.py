"""The timeline sealed by the audit chain: each state change's audit record carries the digest of every
timeline event it wrote (`events_seal`), so a row altered, deleted or slipped in by SQL is found by
`audit_verify`, naming the case and the row. Registered with core.audit from PetitionsConfig.ready()."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from xinfang.core.audit import BACKFILL_ACTION, Problem, Unsealed, iter_seals
from xinfang.core.models import AuditEvent

from .models import Event, Petition

KIND = "events"
_FIELDS = (
    "id",
    "petition_id",
    "at",
    "actor_id",
    "actor_name",
    "unit_id",
    "action",
    "from_status",
    "to_status",
    "note",
    "public",
    "public_text",
    "data",
)
_MOD = 1 << 128


def _digest(values: tuple[Any, ...]) -> str:
    _id, petition_id, at, actor_id, actor_name, unit_id, action, frm, to, note, public, public_text, data = values
    row = {
        "case": petition_id,
        "at": at.astimezone(dt.UTC).isoformat(),
        "actor": actor_id,
        "actor_name": actor_name,
        "unit": unit_id,
        "action": action,
        "from": frm,
        "to": to,
        "note": note,
        "public": bool(public),
        "public_text": public_text,
        # as stored and read back (JSON: keys become strings)
        "data": json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
    }
    canonical = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def event_digest(event: Event) -> str:
    """What the timeline row says (everything but its id, unknown to bulk writers before COPY)."""
    return _digest(tuple(getattr(event, name) for name in _FIELDS))


def events_seal(events: Iterable[Event]) -> dict[str, dict[str, Any]]:
    """`audit_record(seal=...)` for these events: their digests by case."""
    by_case: dict[str, list[str]] = defaultdict(list)
    for event in events:
        by_case[str(event.petition_id)].append(event_digest(event))
    return {KIND: dict(by_case)} if by_case else {}


def _sum(digests: Iterable[str]) -> int:
    count = total = 0
    for d in digests:
        count += 1
        total = (total + int(d, 16)) % _MOD
    return count * _MOD + total


class EventSeals:
    """First pass: one number per case (how many digests sealed, and their sum), against the same of the
    case's rows as they are now. Second pass, for the cases that differ only: which row."""

    def __init__(self) -> None:
        self.expected: dict[int, int] = defaultdict(int)

    def add(self, audit_id: int, key: str, value: Any) -> None:
        if isinstance(value, list):
            self.expected[int(key)] += _sum(str(v) for v in value)

    def problems(self) -> Iterator[Problem]:
        actual: dict[int, int] = defaultdict(int)
        rows = Event.objects.order_by("petition_id", "id").values_list(*_FIELDS)
        for values in rows.iterator(chunk_size=2000):
            actual[values[1]] += _sum([_digest(values)])
        differ = sorted(pid for pid in set(self.expected) | set(actual) if self.expected.get(pid) != actual.get(pid))
        if differ:
            yield from self._explain(differ)

    def _explain(self, pids: list[int]) -> Iterator[Problem]:
        wanted = set(pids)
        sealed: dict[int, Counter[str]] = defaultdict(Counter)
        sealed_by: dict[tuple[int, str], int] = {}
        for audit_id, key, value in iter_seals(KIND):
            if int(key) in wanted and isinstance(value, list):
                for d in value:
                    sealed[int(key)][str(d)] += 1
                    sealed_by.setdefault((int(key), str(d)), audit_id)
        numbers = dict(Petition.objects.filter(pk__in=wanted).values_list("pk", "number"))
        for pid in pids:
            case = f"信访事项 {numbers[pid]}" if pid in numbers else f"信访事项 id={pid}（已不存在）"
            left = Counter(sealed[pid])
            unsealed = []
            for values in Event.objects.filter(petition_id=pid).order_by("id").values_list(*_FIELDS):
                d = _digest(values)
                if left[d] > 0:
                    left[d] -= 1
                else:
                    unsealed.append(values)
            missing = [d for d, n in left.items() for _ in range(n)]
            for values in unsealed:
                row = f"办理记录 id={values[0]}（{values[6]}）"
                if missing:
                    audit_id = sealed_by[(pid, missing.pop(0))]
                    yield Problem(case, row, f"内容与审计记录 id={audit_id} 封存的不符（被修改）")
                else:
                    yield Problem(case, row, "没有审计记录封存这条记录（被插入，或封存它的审计记录被删除）")
            for d in missing:
                yield Problem(case, f"审计记录 id={sealed_by[(pid, d)]} 封存的一条办理记录", "已不存在（被删除）")


def events_backfill(include_later: bool) -> Iterator[Unsealed | Problem]:
    """For `audit_seal_backfill`: the timeline rows of an upgraded database that no audit record seals.

    Refused (yielded as a Problem, never sealed): every unsealed row of a case one of whose sealed rows is
    no longer there as sealed (altered or deleted: the case is for a person to look at), and, unless
    `include_later`, a row newer than the first row the application sealed itself (written after the
    upgrade, so it should have been sealed when written: inserted by SQL)."""
    backfilled = set(AuditEvent.objects.filter(action=BACKFILL_ACTION).values_list("id", flat=True))
    sealed: dict[int, Counter[tuple[str, bool]]] = defaultdict(Counter)
    for audit_id, key, value in iter_seals(KIND):
        if isinstance(value, list):
            for d in value:
                sealed[int(key)][(str(d), audit_id in backfilled)] += 1

    def cases() -> Iterator[tuple[int, list[tuple[Any, ...]], list[tuple[Any, ...]], bool]]:
        """(case, its rows matched by the application's seals, its unsealed rows, a sealed row missing)."""
        rows = Event.objects.order_by("petition_id", "id").values_list(*_FIELDS)
        pid: int | None = None
        mine: list[tuple[Any, ...]] = []
        for values in rows.iterator(chunk_size=2000):
            if values[1] != pid and pid is not None:
                yield _match(pid, mine, sealed.get(pid, Counter()))
                mine = []
            pid = values[1]
            mine.append(values)
        if pid is not None:
            yield _match(pid, mine, sealed.get(pid, Counter()))

    # Pass 1: where sealing by the application began (the lowest row id its seals match).
    first_sealed: int | None = None
    for _pid, matched, _unsealed, _missing in cases():
        if matched and (first_sealed is None or matched[0][0] < first_sealed):
            first_sealed = matched[0][0]
    for pid, _matched, unsealed, missing in cases():
        if not unsealed:
            continue
        number: str | None = None
        for values in unsealed:
            later = not include_later and first_sealed is not None and values[0] > first_sealed
            if (missing or later) and number is None:
                number = Petition.objects.filter(pk=pid).values_list("number", flat=True).first() or f"id={pid}"
            case = f"信访事项 {number}"
            row = f"办理记录 id={values[0]}（{values[6]}）"
            if missing:
                yield Problem(case, row, "未补封存：该事项有已封存的办理记录被修改或删除，请先用 audit_verify 核查")
            elif later:
                yield Problem(
                    case, row, "未补封存：写于开始封存之后却无审计记录封存（疑被插入），核实后可加 --include-later"
                )
            else:
                yield Unsealed(str(pid), [_digest(values)])


def _match(
    pid: int, rows: list[tuple[Any, ...]], sealed: Counter[tuple[str, bool]]
) -> tuple[int, list[tuple[Any, ...]], list[tuple[Any, ...]], bool]:
    left = Counter(sealed)
    matched, unsealed = [], []
    for values in rows:
        d = _digest(values)
        if left[(d, False)] > 0:
            left[(d, False)] -= 1
            matched.append(values)
        elif left[(d, True)] > 0:
            left[(d, True)] -= 1
        else:
            unsealed.append(values)
    return pid, matched, unsealed, any(n > 0 for n in left.values())
