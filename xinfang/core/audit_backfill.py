"""Seal what an upgraded database holds from before the audit chain sealed anything: timeline rows and
stored documents written by an older version, which `audit_verify` reports as sealed by no audit record.

Each kind's owner registers a backfill (`audit.register_seal_backfill`) that yields its unsealed rows; here
they are sealed in batches, one audit record per batch (action "audit.backfill"), each batch in its own
transaction, so that an interrupted run keeps what it sealed and a second run seals only what is left
(nothing, once complete). What looks like tampering is refused and listed, never sealed: a row in a case
whose sealed rows no longer all match, a document whose bytes differ from its checksum, and (unless
`include_later`) a row newer than the first the application sealed itself, i.e. one inserted after the
upgrade."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from .audit import BACKFILL_ACTION, Problem, Unsealed, audit_record, seal_backfills

ACTOR = "系统（存量记录补充封存）"


@dataclass
class KindSummary:
    sealed: int = 0
    batches: int = 0
    audit_ids: list[int] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sealed": self.sealed,
            "batches": self.batches,
            "audit_ids": self.audit_ids,
            "refused": len(self.refused),
        }


@dataclass
class Summary:
    kinds: dict[str, KindSummary] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def refused(self) -> list[Problem]:
        return [p for k in self.kinds.values() for p in k.refused]

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "sealed": sum(k.sealed for k in self.kinds.values()),
            "audit_records": sum(k.batches for k in self.kinds.values()) if not self.dry_run else 0,
            "kinds": {name: k.as_dict() for name, k in self.kinds.items()},
            "refused": [str(p) for p in self.refused[:200]],
        }


def seal_backfill(
    *,
    batch_size: int = 1000,
    include_later: bool = False,
    dry_run: bool = False,
    kinds: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Summary:
    summary = Summary(dry_run=dry_run)
    for name, backfill in seal_backfills().items():
        if kinds and name not in kinds:
            continue
        ks = summary.kinds[name] = KindSummary()
        pending: dict[str, Any] = {}
        rows = 0

        def flush(name: str = name, ks: KindSummary = ks) -> None:
            nonlocal pending, rows
            if not rows:
                return
            ks.batches += 1
            ks.sealed += rows
            if not dry_run:
                with transaction.atomic():
                    record = audit_record(
                        actor=ACTOR,
                        action=BACKFILL_ACTION,
                        target_type=name,
                        data={"kind": name, "rows": rows, "batch": ks.batches},
                        seal={name: pending},
                    )
                ks.audit_ids.append(record.pk)
            if progress is not None:
                where = "（试运行，未写入）" if dry_run else f"，审计记录 id={ks.audit_ids[-1]}"
                progress(f"{name}：第 {ks.batches} 批 {rows} 条，累计 {ks.sealed} 条{where}")
            pending, rows = {}, 0

        for item in backfill(include_later):
            if isinstance(item, Problem):
                ks.refused.append(item)
                continue
            _merge(pending, item)
            rows += item.rows
            if rows >= batch_size:
                flush()
        flush()
    return summary


def _merge(pending: dict[str, Any], item: Unsealed) -> None:
    if isinstance(item.value, list) and isinstance(pending.get(item.key), list):
        pending[item.key].extend(item.value)
    elif isinstance(item.value, list):
        pending[item.key] = list(item.value)
    else:
        pending[item.key] = item.value
