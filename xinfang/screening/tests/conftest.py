"""Screening fixtures: a second township, a township worker and leader, and a dispute factory."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from xinfang.accounts.models import Area, Role, Unit, User
from xinfang.accounts.services import area_upsert, unit_upsert
from xinfang.accounts.tests.factories import make_user
from xinfang.screening import services
from xinfang.screening.models import Dispute


@dataclass
class Scene:
    p: Any  # the root personas
    cuiqiao: Area
    cuiqiao_unit: Unit
    chengguan_worker: User  # 承办人, 城关镇 (a township)
    cuiqiao_worker: User
    town_leader: User  # 领导, 城关镇 (乡镇级)

    def dispute(
        self, *, area: Area | None = None, grade: str = "yellow", actor: User | None = None, **kw: Any
    ) -> Dispute:
        defaults: dict[str, Any] = {
            "dispute_type": "neighbour",
            "title": "宅基地边界纠纷",
            "summary": "两户因宅基地边界发生争执，多次协商未果",
            "found_on": dt.date(2026, 11, 2),
        }
        defaults.update(kw)
        return services.dispute_register(
            actor=actor or self.p.clerk,
            area=area or self.p.org.chengguan,
            grade=services.grade_get(grade),
            **defaults,
        )


@pytest.fixture
def scene(personas: Any) -> Scene:
    cuiqiao = area_upsert(code="411621101", name="崔桥镇", level=Area.Level.TOWNSHIP, parent=personas.org.fugou)
    cuiqiao_unit = unit_upsert(
        code="FG-CQZ",
        name="扶沟县崔桥镇人民政府",
        kind=Unit.Kind.TOWNSHIP,
        area=cuiqiao,
        parent=personas.org.county_gov,
    )
    return Scene(
        p=personas,
        cuiqiao=cuiqiao,
        cuiqiao_unit=cuiqiao_unit,
        chengguan_worker=make_user("cg_worker", personas.org.township, Role.HANDLER, full_name="城关镇综治专干"),
        cuiqiao_worker=make_user("cq_worker", cuiqiao_unit, Role.HANDLER, full_name="崔桥镇综治专干"),
        town_leader=make_user("cg_leader", personas.org.township, Role.LEADER, full_name="城关镇党委书记"),
    )
