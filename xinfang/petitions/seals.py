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

from xinfang.core.audit import Problem, iter_seals

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
