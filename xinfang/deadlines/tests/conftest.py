from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from xinfang.accounts.models import Area, Unit
from xinfang.core.timeutil import SHANGHAI

from .factories import make_area, make_unit


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
