"""A small 周口-like organisation for tests: areas, units and one user per persona."""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.accounts.models import Area, Unit, User
from xinfang.accounts.services import area_upsert, unit_upsert, user_create


@dataclass
class Org:
    henan: Area
    zhoukou: Area
    fugou: Area
    chengguan: Area
    taikang: Area
    city_gov: Unit
    city_office: Unit
    county_gov: Unit
    county_office: Unit
    municipal: Unit  # 扶沟县市政所
    housing: Unit  # 扶沟县住建局
    township: Unit  # 城关镇
    discipline: Unit  # 扶沟县纪委监委
    taikang_gov: Unit
    taikang_housing: Unit


def build_org() -> Org:
    henan = area_upsert(code="41", name="河南省", level=1)
    zhoukou = area_upsert(code="4116", name="周口市", level=2, parent=henan)
    fugou = area_upsert(code="411621", name="扶沟县", level=3, parent=zhoukou)
    chengguan = area_upsert(code="411621100", name="城关镇", level=4, parent=fugou)
    taikang = area_upsert(code="411627", name="太康县", level=3, parent=zhoukou)
    city_gov = unit_upsert(code="ZK-GOV", name="周口市委市政府", kind=Unit.Kind.GOVERNMENT, area=zhoukou)
    city_office = unit_upsert(code="ZK-XFJ", name="周口市信访局", kind=Unit.Kind.XINFANG, area=zhoukou, parent=city_gov)
    county_gov = unit_upsert(
        code="FG-GOV", name="扶沟县委县政府", kind=Unit.Kind.GOVERNMENT, area=fugou, parent=city_gov
    )
    county_office = unit_upsert(
        code="FG-XFJ", name="扶沟县信访局", kind=Unit.Kind.XINFANG, area=fugou, parent=county_gov
    )
    municipal = unit_upsert(
        code="FG-SZS", name="扶沟县市政所", kind=Unit.Kind.DEPARTMENT, area=fugou, parent=county_gov
    )
    housing = unit_upsert(code="FG-ZJJ", name="扶沟县住建局", kind=Unit.Kind.DEPARTMENT, area=fugou, parent=county_gov)
    township = unit_upsert(
        code="FG-CGZ", name="扶沟县城关镇", kind=Unit.Kind.TOWNSHIP, area=chengguan, parent=county_gov
    )
    discipline = unit_upsert(
        code="FG-JW", name="扶沟县纪委监委", kind=Unit.Kind.DISCIPLINE, area=fugou, parent=county_gov
    )
    taikang_gov = unit_upsert(
        code="TK-GOV", name="太康县委县政府", kind=Unit.Kind.GOVERNMENT, area=taikang, parent=city_gov
    )
    taikang_housing = unit_upsert(
        code="TK-ZJJ", name="太康县住建局", kind=Unit.Kind.DEPARTMENT, area=taikang, parent=taikang_gov
    )
    return Org(
        henan,
        zhoukou,
        fugou,
        chengguan,
        taikang,
        city_gov,
        city_office,
        county_gov,
        county_office,
        municipal,
        housing,
        township,
        discipline,
        taikang_gov,
        taikang_housing,
    )


def make_user(username: str, unit: Unit, *roles: str, full_name: str = "") -> User:
    return user_create(
        username=username, password="pass-word-123", full_name=full_name or username, unit=unit, roles=list(roles)
    )
