"""Each indicator on the hand-built set (cases.py), for the office's area and for the unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xinfang.core.timeutil import SHANGHAI, local_date
from xinfang.statistics import figures, periods, volumes
from xinfang.statistics.figures import Scope

from . import cases

YEAR = periods.custom(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture
def built(personas: Any, time_machine: Any) -> dict[str, Any]:
    return cases.build(personas, time_machine)


def check(summary: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, want in expected.items():
        if isinstance(want, tuple):
            num, den = want
            block = summary["indicators"][key]
            assert (block["numerator"], block["denominator"]) == (num, den), key
            assert summary[key] == pytest.approx(round(num / den, 4)), key
        else:
            assert summary[key] == want, key


def test_each_indicator_for_the_office_area(built: Any, personas: Any) -> None:
    s = figures.summary(Scope(area=personas.org.fugou), YEAR, today=cases.TODAY)
    check(s, cases.EXPECTED)
    reply = s["indicators"]["on_time_reply_rate"]["buckets"]
    assert reply == {"met": 3, "late": 1, "overdue": 1}
    office = s["indicators"]["timely_acceptance_rate"]["buckets"]
    assert office == {"met": 6, "late": 1, "overdue": 1}


def test_each_indicator_for_the_unit(built: Any, personas: Any) -> None:
    s = figures.summary(Scope(area=personas.org.fugou), YEAR, today=cases.TODAY)
    rows = {u["unit"]: u for u in s["by_unit"]}
    unit = rows["FG-SZS"]
    assert unit["timely_acceptance_rate"] == pytest.approx(4 / 7, abs=1e-4)
    assert unit["on_time_reply_rate"] == pytest.approx(0.6)
    assert unit["satisfaction_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert unit["participation_rate"] == pytest.approx(0.75)
    # E was never dispatched: the unit received 7 of the 8, one of them a repeat.
    assert unit["repeat_rate"] == pytest.approx(1 / 7, abs=1e-4)
    assert unit["received"] == 7
    office = rows["FG-XFJ"]
    assert office["office_timely_acceptance_rate"] == pytest.approx(0.75)
    # The unit subtree filter gives the unit's own figures.
    only = figures.summary(Scope(area=personas.org.fugou, unit=personas.org.municipal), YEAR, today=cases.TODAY)
    assert only["received"] == 7
    assert only["on_time_reply_rate"] == pytest.approx(0.6)


def test_periods_count_deadlines_by_due_date(built: Any, personas: Any) -> None:
    march = periods.month(2025, 3)
    s = figures.summary(Scope(area=personas.org.fugou), march, today=cases.TODAY, units=False)
    # Received in March: A and B. Transfer limits due in March: A (met, due 03-16) and B (late).
    assert s["received"] == 2
    assert s["indicators"]["timely_acceptance_rate"]["buckets"] == {"met": 1, "late": 1, "overdue": 0}
    # A was answered in March and rated: participation 1/1.
    assert s["participation_rate"] == 1.0
    empty = figures.summary(Scope(area=personas.org.fugou), periods.month(2024, 3), today=cases.TODAY, units=False)
    assert empty["received"] == 0
    assert empty["on_time_reply_rate"] is None
    assert empty["satisfaction_rate"] is None


def test_a_limit_not_yet_due_is_not_counted(built: Any, personas: Any) -> None:
    # Seen on 2025-06-01, C's handling limit (due 06-02) is neither met nor overdue yet.
    s = figures.summary(Scope(area=personas.org.fugou), YEAR, today=dt.date(2025, 6, 1), units=False)
    assert s["indicators"]["on_time_reply_rate"]["buckets"]["overdue"] == 0


def test_other_county_sees_nothing_of_these(built: Any, personas: Any) -> None:
    s = figures.summary(Scope(area=personas.org.taikang), YEAR, today=cases.TODAY)
    assert s["received"] == 0
    assert s["by_unit"] == []


def test_an_area_counted_from_the_limits_copies_equals_the_count_through_the_cases(
    built: Any, personas: Any, monkeypatch: Any
) -> None:
    """An area's limits are counted from their copies of the case's facts (deadline_area_due); a scope
    that needs the case (a path prefix: an area with too many areas under it) joins the case instead.
    Both give every figure alike, by unit too."""
    from xinfang.accounts import reference
    from xinfang.accounts.models import Area
    from xinfang.core import versioned
    from xinfang.statistics import definitions

    area = personas.org.zhoukou  # the city: the county's areas and the other county's
    assert definitions.on_deadline_rows(Scope(area=area).q()) is not None
    by_copies = figures.summary(Scope(area=area), YEAR, today=cases.TODAY)
    monkeypatch.setattr(reference, "SUBTREE_IDS_MAX", 0)
    versioned.bump(Area.versioned_name)  # the subtree's ids are read again
    assert definitions.on_deadline_rows(Scope(area=area).q()) is None
    through_cases = figures.summary(Scope(area=area), YEAR, today=cases.TODAY)
    assert by_copies == through_cases
    assert by_copies["indicators"]["on_time_reply_rate"]["denominator"] == 5


def test_periods_counted_together_give_each_period_s_own_figures(built: Any, personas: Any) -> None:
    """The page counts a month, the month before and the same month last year together (the cases
    received in each stretch of time, then those only answered in it): each period's figures equal the
    period counted alone, also for a case answered in a month after the one it was received in."""
    from xinfang.petitions.models import Petition
    from xinfang.statistics import definitions as d

    scope = Scope(area=personas.org.fugou)

    def month_of(at: dt.datetime | None) -> tuple[int, int]:
        assert at is not None
        day = local_date(at)
        return day.year, day.month

    answered = Petition.objects.exclude(replied_at=None)
    answered_later = [p for p in answered if month_of(p.replied_at) != month_of(p.received_at)]
    assert answered_later  # the set has a case whose answer falls in a later month
    months = sorted({month_of(p.replied_at) for p in answered_later})
    cohort_keys = {i.key for i in d.INDICATORS if i.source in d.COHORTS}
    for year, month in months:
        m = periods.month(year, month)
        together = figures.headlines(scope, [m, m.previous(), m.last_year()], today=cases.TODAY)
        for period, got in zip([m, m.previous(), m.last_year()], together, strict=True):
            alone = figures.headline(scope, period, today=cases.TODAY)
            assert got == alone, period.label
        assert any(together[0]["indicators"][k]["denominator"] for k in cohort_keys)
    # The stretches: periods that touch are read as one.
    jan, feb, apr = (periods.month(2025, n).bounds() for n in (1, 2, 4))
    assert figures._stretches([feb, jan, apr]) == [(jan[0], feb[1]), apr]


def test_the_trend_counts_each_month_by_hand(built: Any, personas: Any) -> None:
    """Twelve months to July 2025: A and B in March, C in April, D and E in May, F (a repeat) and G in June,
    H (6 people, a group, skip-level) in July; the months before hold nothing."""
    trend = volumes.trend(Scope(area=personas.org.fugou), periods.month(2025, 7), today=cases.TODAY)
    assert [t["month"] for t in trend] == [f"2024-{m:02d}" for m in range(8, 13)] + [
        f"2025-{m:02d}" for m in range(1, 8)
    ]
    got = {t["month"]: (t["received"], t["persons"], t["repeat"], t["group_visits"], t["skip_level"]) for t in trend}
    assert got["2025-03"] == (2, 2, 0, 0, 0)
    assert got["2025-04"] == (1, 1, 0, 0, 0)
    assert got["2025-05"] == (2, 2, 0, 0, 0)
    assert got["2025-06"] == (2, 2, 1, 0, 0)
    assert got["2025-07"] == (1, 6, 0, 1, 1)
    assert sum(v[0] for v in got.values()) == 8
    assert all(v == (0, 0, 0, 0, 0) for k, v in got.items() if k < "2025-03")


def test_the_trend_takes_the_months_already_counted_from_the_headlines(built: Any, personas: Any) -> None:
    """Given the month and the month before (as the page has them), the trend reads only the rest and
    shows the same; a period that is not a calendar month is not taken."""
    scope = Scope(area=personas.org.fugou)
    for month in (6, 7, 8):
        m = periods.month(2025, month)
        now, before = figures.headlines(scope, [m, m.previous()], today=cases.TODAY)
        alone = volumes.trend(scope, m, today=cases.TODAY)
        counted = {m: now["volumes"], m.previous(): before["volumes"]}
        assert volumes.trend(scope, m, today=cases.TODAY, counted=counted) == alone, m.label
    july = periods.month(2025, 7)
    half = periods.custom(dt.date(2025, 7, 1), dt.date(2025, 7, 15))
    wrong = {half: {"received": 99, "persons": 99}}
    assert volumes.trend(scope, july, today=cases.TODAY, counted=wrong) == volumes.trend(scope, july, today=cases.TODAY)
    assert periods.custom(dt.date(2025, 2, 1), dt.date(2025, 2, 28)).is_calendar_month
    assert not half.is_calendar_month


def test_breakdowns_count_each_channel_purpose_and_category_by_hand(built: Any, personas: Any) -> None:
    """A and B came by visit, C by letter, the rest by call (H with 6 people); A is a suggestion, the rest
    demands; C and D are filed under a category of another first level. Counted in one grouped query,
    each breakdown rolls up as if counted alone."""
    from xinfang.petitions.models import Category, Channel, Petition, Purpose

    top = built["A"].category
    assert top.parent is None
    # A second-level category under another first level: counted under its first level.
    other = Category.objects.create(code="602006901", name="欠薪", parent=Category.objects.get(code="602006"))
    Petition.objects.filter(pk__in=[built["A"].pk, built["B"].pk]).update(channel=Channel.VISIT)
    Petition.objects.filter(pk=built["C"].pk).update(channel=Channel.LETTER)
    Petition.objects.filter(pk__in=[p.pk for p in built.values()]).update(purpose=Purpose.DEMAND)
    Petition.objects.filter(pk=built["A"].pk).update(purpose=Purpose.SUGGESTION)
    Petition.objects.filter(pk__in=[built["C"].pk, built["D"].pk]).update(category=other)

    got = volumes.breakdowns(Scope(area=personas.org.fugou), YEAR, today=cases.TODAY)

    def table(key: str) -> dict[str, tuple[int, int]]:
        return {g["code"]: (g["batches"], g["persons"]) for g in got[key]}

    assert table("channel") == {"call": (5, 10), "visit": (2, 2), "letter": (1, 1)}
    assert [g["name"] for g in got["channel"]] == ["来电/热线", "来访", "来信"]  # most first
    assert table("purpose") == {Purpose.DEMAND.value: (7, 12), Purpose.SUGGESTION.value: (1, 1)}
    assert table("category") == {top.code: (6, 11), "602006": (2, 2)}
    assert table("unit") == {"FG-SZS": (7, 12), "": (1, 1)}


def test_a_case_handled_twice_in_the_period_counts_once_in_each_bucket(built: Any, personas: Any) -> None:
    """A was answered on time in March 2025 (its handling limit met). Handled again (a second 办理 limit,
    answered late in December), it counts once as 按期答复 and once as 超期答复; handled a third time on time,
    it still counts once as 按期答复 (docs/statistics.md: each bucket counts a case at most once)."""
    from xinfang.petitions.deadlines.models import Deadline
    from xinfang.petitions.deadlines.schedule import deadline_close, deadline_open

    scope = Scope(area=personas.org.fugou)
    before = figures.summary(scope, YEAR, today=cases.TODAY)["indicators"]["on_time_reply_rate"]["buckets"]
    a = built["A"]

    def handle_again(start: dt.date, answered: dt.date) -> Deadline:
        deadline_open(petition=a, code="handle", start=start)
        closed = deadline_close(
            petition=a, code="handle", at=dt.datetime.combine(answered, dt.time(10), tzinfo=SHANGHAI)
        )
        assert closed is not None
        return closed

    late = handle_again(dt.date(2025, 3, 25), dt.date(2025, 12, 20))
    assert late.status == "late" and late.due_date.year == 2025
    after = figures.summary(scope, YEAR, today=cases.TODAY)
    assert after["indicators"]["on_time_reply_rate"]["buckets"] == {**before, "late": before["late"] + 1}
    on_time = handle_again(dt.date(2025, 4, 1), dt.date(2025, 4, 10))
    assert on_time.status == "met" and on_time.due_date.year == 2025
    again = figures.summary(scope, YEAR, today=cases.TODAY)
    assert again["indicators"]["on_time_reply_rate"]["buckets"] == {**before, "late": before["late"] + 1}
    assert Deadline.objects.filter(petition=a, code="handle").count() == 3
    # The unit's row agrees with the headline.
    unit = next(u for u in again["by_unit"] if u["unit"] == "FG-SZS")
    assert unit["indicators"]["on_time_reply_rate"]["buckets"] == again["indicators"]["on_time_reply_rate"]["buckets"]


def test_the_unit_table_alone_equals_the_one_read_with_the_headline(built: Any, personas: Any) -> None:
    """The ranking counts the units alone (without the volumes it does not show); the page reads them with
    its headline. Both give each unit the same figures."""
    scope = Scope(area=personas.org.fugou)
    memo: figures.Memo = {}
    figures.headlines(scope, [YEAR], today=cases.TODAY, memo=memo)
    with_headline = figures.by_unit(scope, YEAR, today=cases.TODAY, memo=memo)
    alone = figures.by_unit(scope, YEAR, today=cases.TODAY)
    assert alone == with_headline
    assert {u["unit"]: u["received"] for u in alone}["FG-SZS"] == 7


def test_the_timeliness_counts_are_distinct_cases_counted_by_hand(built: Any, personas: Any, settings: Any) -> None:
    """The limits whose code is their case's alone are counted as rows and those that share it with DISTINCT (figures.deadline_counts):
    with A handled three times and B's 受理告知 opened twice, each bucket still equals the distinct cases counted
    here by hand from the rows, for the area, for the unit's own scope (joined to the cases) and in the unit's
    row; and so it does for an indicator of two codes, which is counted with DISTINCT throughout."""
    from xinfang.petitions.deadlines.models import Deadline
    from xinfang.petitions.deadlines.schedule import deadline_close, deadline_open

    a, b = built["A"], built["B"]
    for start, answered in ((dt.date(2025, 3, 25), dt.date(2025, 12, 20)), (dt.date(2025, 4, 1), dt.date(2025, 4, 10))):
        deadline_open(petition=a, code="handle", start=start)
        deadline_close(petition=a, code="handle", at=dt.datetime.combine(answered, dt.time(10), tzinfo=SHANGHAI))
    deadline_open(petition=b, code="notify_acceptance", start=dt.date(2025, 5, 6))  # left open: overdue by TODAY
    assert Deadline.objects.filter(petition=a, code="handle", shares_code=False).count() == 0
    assert Deadline.objects.filter(petition=b, code="notify_acceptance", shares_code=True).count() == 2
    assert not Deadline.objects.filter(petition=b, code="handle", shares_code=True).exists()

    def by_hand(codes: list[str]) -> dict[str, int]:
        rows = Deadline.objects.filter(
            petition__area_path__startswith=personas.org.fugou.path,
            code__in=codes,
            due_date__gte=YEAR.start,
            due_date__lte=YEAR.end,
        )
        met = {r.petition_id for r in rows if r.status == "met"}
        late = {r.petition_id for r in rows if r.status == "late"}
        overdue = {r.petition_id for r in rows if r.status == "open" and r.due_date < cases.TODAY}
        return {"met": len(met), "late": len(late), "overdue": len(overdue)}

    def buckets(scope: Scope) -> dict[str, dict[str, int]]:
        s = figures.summary(scope, YEAR, today=cases.TODAY)
        unit = next(u for u in s["by_unit"] if u["unit"] == "FG-SZS")
        return {
            key: s["indicators"][key]["buckets"] | {"unit": unit["indicators"][key]["buckets"]}
            for key in ("on_time_reply_rate", "unit_timely_acceptance_rate")
        }

    area, unit = Scope(area=personas.org.fugou), Scope(unit=personas.org.municipal)
    for codes in (["handle"], ["handle", "notify_acceptance"]):
        settings.XINFANG_STATS = {"reply_codes": codes}
        reply, acceptance = by_hand(codes), by_hand(["notify_acceptance"])
        assert reply["late"] >= 1 and acceptance["overdue"] >= 1
        for got in (buckets(area), buckets(unit)):
            assert got["on_time_reply_rate"] == reply | {"unit": reply}, codes
            assert got["unit_timely_acceptance_rate"] == acceptance | {"unit": acceptance}, codes
