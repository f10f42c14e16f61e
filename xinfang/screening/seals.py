"""The dispute timeline sealed by the audit chain, as petitions/seals.py does for the cases' timeline: each
change's audit record carries the digest of the timeline entry it wrote, so `audit_verify` finds an entry
altered, deleted or slipped in by SQL. Registered with core.audit from ScreeningConfig.ready()."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from xinfang.core.audit import Problem

from .models import Dispute, DisputeEvent

KIND = "dispute_events"
_FIELDS = ("id", "dispute_id", "at", "actor_id", "actor_name", "action", "note", "data")


def _digest(values: tuple[Any, ...]) -> str:
    _id, dispute_id, at, actor_id, actor_name, action, note, data = values
    row = {
        "dispute": dispute_id,
        "at": at.astimezone(dt.UTC).isoformat(),
        "actor": actor_id,
        "actor_name": actor_name,
        "action": action,
        "note": note,
        "data": json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
    }
    canonical = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def event_digest(event: DisputeEvent) -> str:
    return _digest(tuple(getattr(event, name) for name in _FIELDS))


def dispute_events_seal(events: Iterable[DisputeEvent]) -> dict[str, dict[str, Any]]:
    by_dispute: dict[str, list[str]] = defaultdict(list)
    for event in events:
        by_dispute[str(event.dispute_id)].append(event_digest(event))
    return {KIND: dict(by_dispute)} if by_dispute else {}


class DisputeEventSeals:
    """The sealed digests per dispute against the digests of its entries as they are now."""

    def __init__(self) -> None:
        self.sealed: dict[int, Counter[str]] = defaultdict(Counter)
        self.sealed_by: dict[tuple[int, str], int] = {}

    def add(self, audit_id: int, key: str, value: Any) -> None:
        if isinstance(value, list):
            for digest in value:
                self.sealed[int(key)][str(digest)] += 1
                self.sealed_by.setdefault((int(key), str(digest)), audit_id)

    def problems(self) -> Iterator[Problem]:
        actual: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for values in DisputeEvent.objects.order_by("dispute_id", "id").values_list(*_FIELDS).iterator(chunk_size=2000):
            actual[values[1]].append(values)
        ids = sorted(set(self.sealed) | set(actual))
        numbers = dict(Dispute.objects.filter(pk__in=ids).values_list("pk", "number"))
        for did in ids:
            left = Counter(self.sealed.get(did, Counter()))
            unsealed = []
            for values in actual.get(did, []):
                d = _digest(values)
                if left[d] > 0:
                    left[d] -= 1
                else:
                    unsealed.append(values)
            missing = [d for d, n in left.items() for _ in range(n)]
            if not unsealed and not missing:
                continue
            subject = f"矛盾纠纷 {numbers[did]}" if did in numbers else f"矛盾纠纷 id={did}（已不存在）"
            for values in unsealed:
                row = f"化解记录 id={values[0]}（{values[5]}）"
                if missing:
                    audit_id = self.sealed_by[(did, missing.pop(0))]
                    yield Problem(subject, row, f"内容与审计记录 id={audit_id} 封存的不符（被修改）")
                else:
                    yield Problem(subject, row, "没有审计记录封存这条记录（被插入，或封存它的审计记录被删除）")
            for d in missing:
                yield Problem(
                    subject, f"审计记录 id={self.sealed_by[(did, d)]} 封存的一条化解记录", "已不存在（被删除）"
                )
