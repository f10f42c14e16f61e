"""The generated province: counties (their offices, towns and departments), built once and loaded back."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from xinfang.accounts.models import Area, Unit
from xinfang.accounts.services import area_upsert, unit_upsert

from . import texts


@dataclass
class County:
    area: Area
    office: Unit
    gov: Unit
    towns: list[Area]
    town_units: list[Unit]
    departments: dict[str, Unit] = field(default_factory=dict)
    streets: tuple[str, ...] = ()


def _population(code: str) -> int:
    h = int(hashlib.sha256(code.encode()).hexdigest()[:8], 16)
    return 300_000 + h % 1_100_000


def _gov_name(name: str) -> str:
    return f"{name}委{name[-1]}政府"


@transaction.atomic
def build_province(*, log: Callable[[str], None] = lambda _m: None) -> None:
    """One province, its 17 cities and their counties, each with 党委政府, 信访局, the usual departments and
    two townships, through the accounts services (upserts: running twice changes nothing)."""
    pcode, pname = texts.PROVINCE
    province = area_upsert(code=pcode, name=pname, level=Area.Level.PROVINCE, population=99_000_000)
    pgov = unit_upsert(code=f"{pcode}-GOV", name="河南省委省政府", kind=Unit.Kind.GOVERNMENT, area=province)
    unit_upsert(code=f"{pcode}-XFJ", name="河南省信访局", kind=Unit.Kind.XINFANG, area=province, parent=pgov)
    for ccode, cname, counties in texts.CITIES:
        city = area_upsert(
            code=ccode,
            name=cname,
            level=Area.Level.CITY,
            parent=province,
            population=sum(_population(c) for c, _ in counties),
        )
        cgov = unit_upsert(
            code=f"{ccode}-GOV", name=f"{cname[:-1]}市委市政府", kind=Unit.Kind.GOVERNMENT, area=city, parent=pgov
        )
        unit_upsert(code=f"{ccode}-XFJ", name=f"{cname}信访局", kind=Unit.Kind.XINFANG, area=city, parent=cgov)
        for key, suffix, kind, _words in texts.DEPARTMENTS[:6]:
            unit_upsert(code=f"{ccode}-{key}", name=f"{cname}{suffix}", kind=kind, area=city, parent=cgov)
        for code, name in counties:
            county = area_upsert(
                code=code, name=name, level=Area.Level.COUNTY, parent=city, population=_population(code)
            )
            gov = unit_upsert(
                code=f"{code}-GOV", name=_gov_name(name), kind=Unit.Kind.GOVERNMENT, area=county, parent=cgov
            )
            unit_upsert(code=f"{code}-XFJ", name=f"{name}信访局", kind=Unit.Kind.XINFANG, area=county, parent=gov)
            for key, suffix, kind, _words in texts.DEPARTMENTS:
                unit_upsert(code=f"{code}-{key}", name=f"{name}{suffix}", kind=kind, area=county, parent=gov)
            h = int(code)
            for i, town in enumerate((texts.TOWNSHIPS[0], texts.TOWNSHIPS[1 + h % (len(texts.TOWNSHIPS) - 1)])):
                tcode = f"{code}{100 + i}"
                tarea = area_upsert(code=tcode, name=town, level=Area.Level.TOWNSHIP, parent=county)
                unit_upsert(code=f"{tcode}-TOWN", name=f"{name}{town}", kind=Unit.Kind.TOWNSHIP, area=tarea, parent=gov)
        log(f"  {cname}：{len(counties)} 个县区")


def load_counties() -> list[County]:
    """Every county-level area that has an active 信访部门, with its government, towns and departments."""
    units = list(Unit.objects.filter(active=True).select_related("area", "parent"))
    by_id = {u.pk: u for u in units}
    for u in units:  # link parents in memory: review and recheck walk up the tree without queries
        if u.parent_id in by_id:
            u.parent = by_id[u.parent_id]
    by_area: dict[int, list[Unit]] = {}
    for u in units:
        by_area.setdefault(u.area_id, []).append(u)
    areas = {a.pk: a for a in Area.objects.filter(active=True)}
    out = []
    for area in sorted((a for a in areas.values() if a.level == Area.Level.COUNTY), key=lambda a: a.code):
        own = by_area.get(area.pk, [])
        office = next((u for u in sorted(own, key=lambda u: u.pk) if u.kind == Unit.Kind.XINFANG), None)
        if office is None:
            continue
        gov = next((u for u in own if u.kind == Unit.Kind.GOVERNMENT), None) or office.parent or office
        towns = [a for a in areas.values() if a.parent_id == area.pk and a.level == Area.Level.TOWNSHIP]
        town_units = [u for a in towns for u in by_area.get(a.pk, []) if u.kind == Unit.Kind.TOWNSHIP]
        county = County(
            area=area, office=office, gov=gov, towns=sorted(towns, key=lambda a: a.code), town_units=town_units
        )
        for key, _suffix, _kind, words in texts.DEPARTMENTS:
            found = next(
                (u for u in own if u.kind != Unit.Kind.XINFANG and any(w in u.name for w in words) and u.parent_id),
                None,
            )
            if found:
                county.departments[key] = found
        county.departments["GOV"] = gov
        if town_units:
            county.departments["TOWN"] = town_units[0]
        out.append(county)
    return out


# ---------------------------------------------------------------- people and texts
