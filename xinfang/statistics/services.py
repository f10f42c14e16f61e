"""Who may see the figures, the scope they see, and the frozen monthly snapshots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Area, Role, Unit
from xinfang.core.audit import audit_record
from xinfang.core.errors import NotPermitted
from xinfang.core.timeutil import local_date
from xinfang.petitions.access import petition_scope_q

from . import figures, volumes
from .config import stats_config
from .models import Snapshot
from .periods import Period, month

STATS_ROLES = frozenset({Role.LEADER, Role.SUPERVISOR, Role.HEAD, Role.ADMIN})


def can_see_stats(user: Any) -> bool:
    """Leaders, supervisors, unit heads, administrators and anyone posted at a 信访部门."""
    ctx = actor_context(user)
    if ctx.user_id is None:
        return False
    if ctx.is_superuser or ctx.all_roles & STATS_ROLES:
        return True
    return any(u.kind == Unit.Kind.XINFANG for u in ctx.units.values())


def scope_for_user(user: Any, *, area: Area | None = None, unit: Unit | None = None) -> figures.Scope:
    """The cases whose figures this user may see (petitions.access, the same rule as the case list),
    within the chosen area and 承办单位 subtrees."""
    if not can_see_stats(user):
        raise NotPermitted("您的岗位不能查看统计分析")
    access = petition_scope_q(user, within_area=area.path if area else "")
    if access is None:
        raise NotPermitted("您的岗位不能查看统计分析")
    return figures.Scope(access=access, area=area, unit=unit)


def sees_whole_area(user: Any, area: Area) -> bool:
    """May see the published (frozen) figures of the area: the area's 信访部门, leaders and supervisors
    over it, or an administrator -- those whose live scope is the whole area."""
    ctx = actor_context(user)
    if ctx.is_superuser or Role.ADMIN in ctx.all_roles:
        return True
    for u in ctx.units.values():
        over_area = u.kind == Unit.Kind.XINFANG or ctx.roles_in(u.pk) & {Role.LEADER, Role.SUPERVISOR}
        if over_area and area.path.startswith(u.area.path):
            return True
    return False


def snapshot_data(area: Area, period: Period, *, today: dt.date | None = None) -> dict[str, Any]:
    scope = figures.Scope(area=area)
    return {
        "summary": figures.summary(scope, period, today=today),
        "breakdowns": volumes.breakdowns(scope, period, today=today),
        "trend": volumes.trend(scope, period, today=today),  # the report's chart, frozen with the rest
    }


@transaction.atomic
def snapshot_take(*, area: Area, period: Period, note: str = "", actor: Any = None) -> Snapshot:
    """Freeze the area's figures for the period as they stand now: a new version, the old ones kept."""
    now = timezone.now()
    last = (
        Snapshot.objects.select_for_update()
        .filter(area_code=area.code, period_kind=period.kind, period_start=period.start, period_end=period.end)
        .aggregate(v=Max("version"))["v"]
        or 0
    )
    snap = Snapshot.objects.create(
        area_code=area.code,
        area_name=area.name,
        area_path=area.path,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        version=last + 1,
        definitions_version=figures.VERSION,
        config=stats_config().as_dict(),
        data=snapshot_data(area, period, today=local_date(now)),
        taken_at=now,
        taken_on=local_date(now),
        note=note[:200],
    )
    audit_record(
        actor=actor,
        action="statistics.snapshot",
        target=snap,
        data={
            "area": area.code,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "version": snap.version,
        },
    )
    return snap


def snapshot_areas() -> list[Area]:
    """Every area with an active 信访部门: each is judged on its own figures."""
    ids = Unit.objects.filter(kind=Unit.Kind.XINFANG, active=True).values_list("area_id", flat=True)
    return list(Area.objects.filter(pk__in=ids).order_by("path"))


def snapshot_month(*, year: int | None = None, month_: int | None = None, force: bool = False) -> dict[str, int]:
    """The monthly freeze: the previous month (or the one asked for) of every area with a 信访部门.
    An area already frozen for that month is left as it is unless `force` (a correction: a new version)."""
    if year is None or month_ is None:
        first = local_date().replace(day=1) - dt.timedelta(days=1)
        year, month_ = first.year, first.month
    period = month(year, month_)
    taken = skipped = 0
    for area in snapshot_areas():
        exists = Snapshot.objects.filter(
            area_code=area.code, period_kind=period.kind, period_start=period.start, period_end=period.end
        ).exists()
        if exists and not force:
            skipped += 1
            continue
        snapshot_take(area=area, period=period, note="每月自动冻结" if not force else "重新冻结")
        taken += 1
    return {"taken": taken, "skipped": skipped}


def snapshot_latest(*, area: Area, period: Period) -> Snapshot | None:
    return (
        Snapshot.objects.filter(
            area_code=area.code, period_kind=period.kind, period_start=period.start, period_end=period.end
        )
        .order_by("-version")
        .first()
    )
