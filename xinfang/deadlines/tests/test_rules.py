"""Shipped rules and the choice of rule version for a case."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.core.errors import ValidationFailed
from xinfang.deadlines.models import TimeLimitRule
from xinfang.deadlines.services import rule_in_force, rule_max_days

D = dt.date.fromisoformat

pytestmark = pytest.mark.django_db


def _days(*, code: str, area: object, on: dt.date) -> int:
    rule = rule_in_force(code=code, area=area, on=on)
    assert rule is not None, code
    return rule.days


EXPECTED = {
    # code: (days, unit, roll_forward, party)
    "transfer": (15, "calendar", False, "organ"),
    "notify_acceptance": (15, "calendar", False, "organ"),
    "objection": (5, "working", False, "organ"),
    "handle": (60, "calendar", False, "organ"),
    "extension": (30, "calendar", False, "organ"),
    "review_request": (30, "calendar", True, "petitioner"),
    "review_decision": (30, "calendar", False, "organ"),
    "recheck_request": (30, "calendar", True, "petitioner"),
    "recheck_decision": (30, "calendar", False, "organ"),
}


def test_national_defaults_shipped() -> None:
    for code, (days, unit, roll, party) in EXPECTED.items():
        rule = rule_in_force(code=code, area=None, on=D("2026-06-01"))
        assert rule is not None, code
        assert (rule.days, rule.unit, rule.roll_forward, rule.party) == (days, unit, roll, party), code
        assert rule.legal_basis.startswith("《信访工作条例》第"), code
        assert rule.area_code == ""


def test_henan_variant_shipped_disabled(world) -> None:
    henan = TimeLimitRule.objects.filter(area_code="41")
    assert {(r.code, r.days, r.active) for r in henan} == {("handle", 30, False), ("extension", 60, False)}
    first = henan.first()
    assert first is not None
    assert first.effective_from == D("2012-11-29")
    # Disabled: a case in 扶沟县 (under 41) still gets the national 60 days.
    assert _days(code="handle", area=world.area, on=D("2026-06-01")) == 60


def test_enabled_provincial_rule_beats_national_in_its_subtree(world) -> None:
    TimeLimitRule.objects.filter(area_code="41").update(active=True)
    assert _days(code="handle", area=world.area, on=D("2026-06-01")) == 30
    assert rule_max_days(code="extension", area=world.area, on=D("2026-06-01")) == 60
    assert _days(code="handle", area="/11/1101/", on=D("2026-06-01")) == 60  # 北京: national
    assert _days(code="handle", area=None, on=D("2026-06-01")) == 60


def test_more_local_rule_wins_and_effective_dates_apply(world) -> None:
    county = TimeLimitRule.objects.create(
        code="handle",
        name="办理（县）",
        days=45,
        area_code="411621",
        effective_from=D("2026-01-01"),
        effective_to=D("2026-12-31"),
    )
    assert rule_in_force(code="handle", area=world.area, on=D("2026-06-01")) == county
    assert _days(code="handle", area=world.area, on=D("2025-06-01")) == 60
    assert _days(code="handle", area=world.area, on=D("2027-01-01")) == 60


def test_newer_national_version_applies_from_its_date() -> None:
    TimeLimitRule.objects.filter(code="handle", area_code="").update(effective_to=D("2026-12-31"))
    TimeLimitRule.objects.create(code="handle", name="办理", days=45, effective_from=D("2027-01-01"))
    assert _days(code="handle", area=None, on=D("2026-12-31")) == 60
    assert _days(code="handle", area=None, on=D("2027-01-01")) == 45


def test_unknown_rule_is_a_validation_error() -> None:
    with pytest.raises(ValidationFailed):
        rule_max_days(code="nope", area=None, on=D("2026-06-01"))
