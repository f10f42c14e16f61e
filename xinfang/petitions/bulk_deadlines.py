"""Deadlines of bulk-written cases, in memory: the rules, due dates and states of a batch, cached, computed
by the same rules and engine as deadlines.services."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings

from xinfang.core.timeutil import local_date
from xinfang.deadlines import engine
from xinfang.deadlines import services as dl
from xinfang.deadlines.calendar import DayInfo, WorkCalendar
from xinfang.deadlines.models import Party, TimeLimitRule
from xinfang.petitions.deadlines.models import Deadline

from .bulk_writer import new_instance
from .models import (
    Petition,
)

OPEN = Deadline.Status.OPEN.value
CANCELLED, MET, LATE = Deadline.Status.CANCELLED.value, Deadline.Status.MET.value, Deadline.Status.LATE.value
ORGAN = Party.ORGAN.value

# ---------------------------------------------------------------- rules and due dates, cached per batch


class BatchDeadlines:
    """Deadline rows for one case, opened / closed / extended in memory exactly as deadlines.services does."""

    def __init__(self, ctx: BatchContext, petition: Petition) -> None:
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
        earlier = [d for d in self.rows if d.code == code]
        for d in earlier:  # as deadline_open: a code opened again marks all its limits
            d.shares_code = True
        rule, fallback = self.ctx.rule(code, self.petition.area_path, self.received)
        # State: 正常 until judged at closing or, for those still open, on `today` (finish()).
        d = new_instance(
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
                "shares_code": bool(earlier),
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


class MemoCalendar(WorkCalendar):
    """The loaded calendar, each day looked up once per batch (the package validates every call)."""

    def __init__(self, cal: WorkCalendar) -> None:
        super().__init__(cal.overrides, cal.notice_years, use_library=cal.use_library)
        self._days: dict[dt.date, DayInfo] = {}

    def day(self, day: dt.date) -> DayInfo:
        info = self._days.get(day)
        if info is None:
            info = self._days[day] = super().day(day)
        return info


class BatchContext:
    """Caches of a batch (or of consecutive batches of one run): the calendar, the rule chosen per (code,
    applicable versions, interval of their validity), computed due dates and deadline states."""

    def __init__(self) -> None:
        self.calendar = MemoCalendar(dl.calendar_load())
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
