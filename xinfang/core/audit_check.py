"""`audit_verify` in full: the hash chain, what its records seal (timeline rows, stored documents, any kind
an app registers with `audit.register_seal_kind`), and, given an anchor file, the published anchors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .anchor import AnchorFinding, anchors_check
from .audit import Problem, SealKind, chain_walk, seal_kinds
from .models import AuditEvent


@dataclass
class Report:
    rows: int
    broken: AuditEvent | None
    reason: str
    problems: list[Problem] = field(default_factory=list)
    anchors: int = 0
    anchor_findings: list[AnchorFinding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.reason or self.problems or self.anchor_findings)


def audit_report(*, anchors: Path | None = None) -> Report:
    kinds: dict[str, SealKind] = {name: factory() for name, factory in seal_kinds().items()}

    def on_row(event: AuditEvent) -> None:
        seal = event.data.get("seal") if isinstance(event.data, dict) else None
        if not isinstance(seal, dict):
            return
        for name, entries in seal.items():
            checker = kinds.get(name)
            if checker is not None and isinstance(entries, dict):
                for key, value in entries.items():
                    checker.add(event.pk, str(key), value)

    rows, broken, reason = chain_walk(on_row)
    report = Report(rows=rows, broken=broken, reason=reason)
    for checker in kinds.values():
        report.problems.extend(checker.problems())
    if anchors is not None:
        report.anchors, report.anchor_findings = anchors_check(anchors)
    return report


def audit_verify() -> tuple[bool, int, AuditEvent | None, str]:
    """The chain and what it seals (`audit_check.audit_report`). Returns (ok, rows checked, first broken
    row, reason): the reason of the chain's first break, else of the first sealed row found wrong."""
    report = audit_report()
    reason = report.reason or (str(report.problems[0]) if report.problems else "")
    return report.ok, report.rows, report.broken, reason
