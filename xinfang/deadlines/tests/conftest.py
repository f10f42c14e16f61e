from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from xinfang.accounts.models import Area, Unit
from xinfang.core.timeutil import SHANGHAI

from .factories import make_area, make_petition, make_unit


@dataclass
class World:
    area: Area
    office: Unit  # 信访局: transfer warnings
    handler: Unit  # 承办单位: handle / objection warnings
    reviewer: Unit  # 复查机关


@pytest.fixture
def world(db) -> World:
    area = make_area("411621")
    office = make_unit("DL-XFJ", area, Unit.Kind.XINFANG)
    handler = make_unit("DL-SZS", area)
    reviewer = make_unit("DL-GOV", area, Unit.Kind.GOVERNMENT)
    return World(area=area, office=office, handler=handler, reviewer=reviewer)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def petition(world, time_machine):
    """A case received on 2026-09-01, with the clock stopped at 10:00 that day."""
    time_machine.move_to(at("2026-09-01"), tick=False)
    return make_petition(
        area=world.area,
        office=world.office,
        current=world.handler,
        review=world.reviewer,
        received=dt.date.fromisoformat("2026-09-01"),
    )
