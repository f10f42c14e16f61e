"""When each step of a demo case happens: its own moment between the case's receipt and now.

The loader runs each step at its moment (`CaseSpec.times`), so timelines, deadlines and audit records
carry the day it happened. Pure data, no database.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from xinfang.core.timeutil import SHANGHAI

if TYPE_CHECKING:
    from .spec import CaseSpec

# Days from the previous step to each step, (low, high). The petitioner's steps stay inside their
# windows (异议 5 working days, 复查/复核 30 days from the decision) because gaps only ever shrink there.
GAPS: dict[str, tuple[float, float]] = {
    "register": (0, 0),
    "submit": (0, 0),
    "register_submitted": (0, 2),
    "dispatch": (0, 3),
    "object": (0, 2),
    "direct": (0, 3),
    "reject_office": (1, 8),
    "reject_unit": (1, 4),
    "reject_final": (0, 3),
    "accept": (0, 3),
    "note": (2, 15),
    "mediate": (2, 10),
    "ext_request": (30, 45),
    "ext_approve": (1, 3),
    "ext_refuse": (1, 3),
    "reply": (8, 35),
    "reply_return": (1, 3),
    "reply_approve": (0, 3),
    "rate": (1, 7),
    "rate_callback": (3, 10),
    "close": (10, 25),
    "review": (2, 18),
    "review_decide": (10, 28),
    "recheck": (2, 18),
    "hearing": (5, 15),
    "recheck_decide": (10, 25),
    "take_on": (0, 3),
}
# Work that may take longer than usual: an open case older than its steps spent the extra time here.
STRETCH = frozenset({"note", "mediate", "reply", "review_decide", "hearing"})
# Steps taken by the petitioner (any hour) rather than by staff (office hours).
PETITIONER_STEPS = frozenset({"submit", "rate", "review", "recheck"})
TERMINAL_LAST = frozenset(
    {"rate", "rate_callback", "close", "reject_office", "reject_unit", "reject_final", "recheck_decide"}
)


def _moment(rng: random.Random, prev: dt.datetime, days: float, step: str, limit: dt.datetime) -> dt.datetime:
    """A time `days` after `prev` (whole days, then a time of day in office hours), after `prev` and
    before `limit`."""
    day = prev.astimezone(SHANGHAI).date() + dt.timedelta(days=int(days))
    lo, hi = (7 * 60, 22 * 60) if step in PETITIONER_STEPS else (8 * 60 + 30, 17 * 60 + 30)
    minute = rng.randint(lo, hi)
    at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=SHANGHAI)
    if at <= prev:
        at = prev + dt.timedelta(minutes=rng.randint(8, 90))
    if at >= limit:
        at = prev + (limit - prev) / 2
    return at


def _schedule_case(rng: random.Random, case: CaseSpec, now: dt.datetime) -> None:
    gaps = [rng.uniform(*GAPS[step]) for step in case.steps[1:]]
    room = (now - case.received_at).total_seconds() / 86400 - 0.1
    total = sum(gaps)
    if total > room:
        gaps = [g * max(room, 0) / total for g in gaps]  # a younger case did it all faster
    elif case.steps[-1] not in TERMINAL_LAST:
        # An open case older than its steps: the slow work took longer (at most three times as long).
        slow = [i for i, step in enumerate(case.steps[1:]) if step in STRETCH]
        spare = room - total - rng.uniform(0, 6)
        slow_total = sum(gaps[i] for i in slow)
        if slow and spare > 0 and slow_total > 0:
            factor = 1 + min(spare / slow_total, 2)
            for i in slow:
                gaps[i] *= factor
    limit = now - dt.timedelta(minutes=1)
    times = [case.received_at]
    for step, days in zip(case.steps[1:], gaps, strict=True):
        times.append(_moment(rng, times[-1], days, step, limit))
    case.times = times


def schedule(cases: list[CaseSpec], now: dt.datetime, *, seed: int) -> None:
    """Give every step of every case its own moment in the past (`CaseSpec.times`), from its received
    time on. The loader runs each step at its moment, so timelines, deadlines and audit records carry
    the day it happened. A 不再受理 repeat comes after its original's 复核 decision."""
    rng = random.Random(seed)
    by_key = {c.key: c for c in cases}
    for case in sorted(cases, key=lambda c: c.key):
        if case.times:
            continue  # the seed story has its own clock
        if case.scenario == "rejected_final" and case.repeat_of is not None:
            original = by_key[case.repeat_of]
            after = original.times[-1] + dt.timedelta(days=rng.randint(20, 60))
            case.received_at = min(max(case.received_at, after), now - dt.timedelta(days=1))
            case.received_at = max(case.received_at, original.times[-1] + dt.timedelta(hours=2))
        _schedule_case(rng, case, now)
