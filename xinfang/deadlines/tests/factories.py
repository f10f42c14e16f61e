"""Minimal data for deadline tests, built here so the app does not depend on other apps' factories."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from xinfang.accounts.models import Area, Unit
from xinfang.accounts.services import area_upsert, unit_upsert
from xinfang.core.timeutil import SHANGHAI
from xinfang.petitions.models import Channel, Petition
from xinfang.petitions.workflow import Status

_seq = itertools.count(1)


def make_area(code: str = "411621") -> Area:
    """The area and its ancestors by GB/T 2260 prefix: 41 → 4116 → 411621."""
    parent = None
    names = {2: "省", 4: "市", 6: "县"}
    levels = {2: 1, 4: 2, 6: 3}
    for size in (2, 4, 6):
        if len(code) < size:
            break
        parent = area_upsert(code=code[:size], name=f"{code[:size]}{names[size]}", level=levels[size], parent=parent)
    assert parent is not None
    return parent


def make_unit(code: str, area: Area, kind: str = Unit.Kind.DEPARTMENT, parent: Unit | None = None) -> Unit:
    return unit_upsert(code=code, name=f"单位{code}", kind=kind, area=area, parent=parent)


def make_petition(
    *,
    area: Area | None = None,
    received: dt.date = dt.date(2026, 9, 1),
    office: Unit | None = None,
    current: Unit | None = None,
    review: Unit | None = None,
    status: str = Status.ACCEPTED,
) -> Petition:
    area = area or make_area()
    office = office or make_unit("DL-XFJ", area, Unit.Kind.XINFANG)
    received_at = dt.datetime.combine(received, dt.time(9, 30), tzinfo=SHANGHAI)
    n = next(_seq)
    return Petition.objects.create(
        number=f"DL{received:%Y}{n:06d}",
        channel=Channel.LETTER,
        received_at=received_at,
        area=area,
        area_path=area.path,
        title=f"测试信访事项{n}",
        content="测试内容",
        status=status,
        status_changed_at=timezone.now(),
        office_unit=office,
        office_path=office.path,
        current_unit=current,
        current_path=current.path if current else "",
        review_unit=review,
    )
