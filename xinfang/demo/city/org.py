"""The demo city: 周口市 (GB/T 2260 code 4116, 河南省), its counties, townships, villages and units.

County and district names and codes are the real ones. Township names are real or plausible; their
9-digit codes follow the statistical pattern (…001 街道, …1xx 镇, …2xx 乡) but are not checked
against the official list. Everything here is plain data; `build_org` writes it through the
accounts services (`area_upsert`, `unit_upsert`), which are upserts, so running it twice is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xinfang.accounts.models import Area, Unit
from xinfang.accounts.services import area_upsert, unit_upsert


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    villages: tuple[tuple[str, str], ...] = ()  # (12-digit code, name)


@dataclass(frozen=True)
class County:
    key: str  # pinyin, also the username of the county's demo back-office account
    code: str
    name: str  # area name (扶沟县)
    prefix: str  # unit code prefix (FG)
    unit_prefix: str  # how units are named (扶沟县信访局, 周口经开区信访局)
    gov_name: str
    towns: tuple[Town, ...]
    streets: tuple[str, ...] = ()  # street names used in the demo texts

    @property
    def urban(self) -> Town:
        return self.towns[0]


CITY_CODE = "4116"
CITY_NAME = "周口市"
PROVINCE_CODE = "41"
PROVINCE_NAME = "河南省"

COUNTIES: tuple[County, ...] = (
    County(
        "chuanhui",
        "411602",
        "川汇区",
        "CH",
        "川汇区",
        "川汇区委区政府",
        (
            Town("411602001", "陈州街道", (("411602001001", "文昌社区"),)),
            Town("411602002", "七一路街道"),
            Town("411602003", "荷花路街道"),
            Town("411602200", "李埠口乡"),
        ),
        ("七一路", "八一路", "交通路", "中州路", "文昌大道"),
    ),
    County(
        "huaiyang",
        "411603",
        "淮阳区",
        "HY",
        "淮阳区",
        "淮阳区委区政府",
        (
            Town("411603100", "城关回族镇"),
            Town("411603101", "新站镇"),
            Town("411603102", "鲁台镇"),
        ),
        ("羲皇大道", "弦歌路", "五一路"),
    ),
    County(
        "fugou",
        "411621",
        "扶沟县",
        "FG",
        "扶沟县",
        "扶沟县委县政府",
        (
            Town("411621100", "城关镇", (("411621100001", "建设街社区"), ("411621100002", "东关社区"))),
            Town("411621101", "崔桥镇", (("411621101201", "崔桥村"), ("411621101202", "大王庄村"))),
            Town("411621102", "江村镇", (("411621102201", "江村"),)),
            Town("411621103", "练寺镇"),
        ),
        ("建设街", "桐丘路", "扶亭大道", "人民路", "迎宾大道"),
    ),
    County(
        "xihua",
        "411622",
        "西华县",
        "XH",
        "西华县",
        "西华县委县政府",
        (
            Town("411622101", "西夏镇"),
            Town("411622102", "红花集镇"),
            Town("411622103", "逍遥镇", (("411622103201", "逍遥村"),)),
        ),
        ("箕子台路", "女娲大道", "长平路"),
    ),
    County(
        "shangshui",
        "411623",
        "商水县",
        "SS",
        "商水县",
        "商水县委县政府",
        (
            Town("411623001", "老城街道"),
            Town("411623101", "黄寨镇"),
            Town("411623102", "练集镇"),
        ),
        ("章华大道", "阳城大道", "健康路"),
    ),
    County(
        "shenqiu",
        "411624",
        "沈丘县",
        "SQ",
        "沈丘县",
        "沈丘县委县政府",
        (
            Town("411624100", "槐店回族镇"),
            Town("411624101", "刘庄店镇"),
            Town("411624102", "纸店镇"),
        ),
        ("沙南大道", "文化路", "兆丰大道"),
    ),
    County(
        "dancheng",
        "411625",
        "郸城县",
        "DC",
        "郸城县",
        "郸城县委县政府",
        (
            Town("411625001", "洺北街道"),
            Town("411625101", "宜路镇"),
            Town("411625103", "汲冢镇", (("411625103201", "汲冢村"),)),
        ),
        ("世纪大道", "洺南路", "光明路"),
    ),
    County(
        "taikang",
        "411627",
        "太康县",
        "TK",
        "太康县",
        "太康县委县政府",
        (
            Town("411627100", "城关回族镇"),
            Town("411627101", "常营镇"),
            Town("411627102", "逊母口镇"),
        ),
        ("谢安路", "阳夏路", "清河路"),
    ),
    County(
        "luyi",
        "411628",
        "鹿邑县",
        "LY",
        "鹿邑县",
        "鹿邑县委县政府",
        (
            Town("411628001", "真源街道"),
            Town("411628101", "太清宫镇"),
            Town("411628103", "试量镇"),
        ),
        ("老子大道", "紫气大道", "真源路"),
    ),
    County(
        "xiangcheng",
        "411681",
        "项城市",
        "XC",
        "项城市",
        "项城市委市政府",
        (
            Town("411681001", "花园街道"),
            Town("411681002", "水寨街道"),
            Town("411681101", "南顿镇"),
        ),
        ("莲花大道", "团结路", "光武大道"),
    ),
    County(
        "jingkai",
        "411671",
        "周口经济技术开发区",
        "KF",
        "周口经开区",
        "周口经开区党工委管委会",
        (
            Town("411671001", "太昊路街道"),
            Town("411671200", "许湾乡"),
        ),
        ("太昊路", "汉阳路", "工农路"),
    ),
)

COUNTY_BY_KEY = {c.key: c for c in COUNTIES}
SEED_COUNTY = "fugou"

# County departments: key → (name suffix, unit kind). Every county has all of them.
COUNTY_DEPTS: tuple[tuple[str, str, str], ...] = (
    ("XFJ", "信访局", Unit.Kind.XINFANG),
    ("SZS", "市政所", Unit.Kind.DEPARTMENT),
    ("ZJJ", "住建局", Unit.Kind.DEPARTMENT),
    ("RSJ", "人社局", Unit.Kind.DEPARTMENT),
    ("GAJ", "公安局", Unit.Kind.POLITICS_LAW),
    ("JW", "纪委监委", Unit.Kind.DISCIPLINE),
    ("JYJ", "教育局", Unit.Kind.DEPARTMENT),
    ("ZRZY", "自然资源局", Unit.Kind.DEPARTMENT),
    ("WJW", "卫健委", Unit.Kind.DEPARTMENT),
    ("SCJG", "市场监管局", Unit.Kind.DEPARTMENT),
)

# City units under 周口市委市政府.
CITY_DEPTS: tuple[tuple[str, str, str], ...] = (
    ("XFJ", "周口市信访局", Unit.Kind.XINFANG),
    ("JW", "周口市纪委监委", Unit.Kind.DISCIPLINE),
    ("ZFW", "周口市委政法委", Unit.Kind.POLITICS_LAW),
    ("ZJJ", "周口市住建局", Unit.Kind.DEPARTMENT),
    ("RSJ", "周口市人社局", Unit.Kind.DEPARTMENT),
    ("GAJ", "周口市公安局", Unit.Kind.POLITICS_LAW),
    ("CGJ", "周口市城市管理局", Unit.Kind.DEPARTMENT),
    ("JYJ", "周口市教育局", Unit.Kind.DEPARTMENT),
    ("ZRZY", "周口市自然资源和规划局", Unit.Kind.DEPARTMENT),
    ("STHJ", "周口市生态环境局", Unit.Kind.DEPARTMENT),
)


def town_unit_code(county: County, town: Town) -> str:
    return f"{county.prefix}-XZ-{town.code[-3:]}"


def town_unit_name(county: County, town: Town) -> str:
    suffix = "办事处" if town.name.endswith("街道") else "人民政府"
    return f"{county.unit_prefix}{town.name}{suffix}"


@dataclass
class DemoOrg:
    province: Area
    city: Area
    areas: dict[str, Area] = field(default_factory=dict)  # by code
    units: dict[str, Unit] = field(default_factory=dict)  # by unit code

    def unit(self, code: str) -> Unit:
        return self.units[code]

    def area(self, code: str) -> Area:
        return self.areas[code]


def build_org() -> DemoOrg:
    province = area_upsert(code=PROVINCE_CODE, name=PROVINCE_NAME, level=Area.Level.PROVINCE)
    city = area_upsert(code=CITY_CODE, name=CITY_NAME, level=Area.Level.CITY, parent=province)
    org = DemoOrg(province=province, city=city, areas={PROVINCE_CODE: province, CITY_CODE: city})

    # The province government exists so that a case handled by a city department can still go up
    # for 复核 (Art 36: the level above the reviewing organ).
    province_gov = unit_upsert(
        code="HN-GOV", name="河南省人民政府", short_name="省政府", kind=Unit.Kind.GOVERNMENT, area=province
    )
    org.units["HN-GOV"] = province_gov
    city_gov = unit_upsert(
        code="ZK-GOV",
        name="周口市委市政府",
        short_name="市委市政府",
        kind=Unit.Kind.GOVERNMENT,
        area=city,
        parent=province_gov,
    )
    org.units["ZK-GOV"] = city_gov
    for key, name, kind in CITY_DEPTS:
        org.units[f"ZK-{key}"] = unit_upsert(
            code=f"ZK-{key}", name=name, kind=kind, area=city, parent=city_gov, short_name=name.removeprefix("周口市")
        )

    for county in COUNTIES:
        level = Area.Level.COUNTY
        carea = area_upsert(code=county.code, name=county.name, level=level, parent=city)
        org.areas[county.code] = carea
        gov = unit_upsert(
            code=f"{county.prefix}-GOV",
            name=county.gov_name,
            kind=Unit.Kind.GOVERNMENT,
            area=carea,
            parent=city_gov,
            short_name=county.gov_name.removeprefix(county.unit_prefix),
        )
        org.units[gov.code] = gov
        for key, suffix, kind in COUNTY_DEPTS:
            code = f"{county.prefix}-{key}"
            org.units[code] = unit_upsert(
                code=code, name=f"{county.unit_prefix}{suffix}", kind=kind, area=carea, parent=gov, short_name=suffix
            )
        for town in county.towns:
            tarea = area_upsert(code=town.code, name=town.name, level=Area.Level.TOWNSHIP, parent=carea)
            org.areas[town.code] = tarea
            code = town_unit_code(county, town)
            org.units[code] = unit_upsert(
                code=code,
                name=town_unit_name(county, town),
                kind=Unit.Kind.TOWNSHIP,
                area=tarea,
                parent=gov,
                short_name=town.name,
            )
            for vcode, vname in town.villages:
                org.areas[vcode] = area_upsert(code=vcode, name=vname, level=Area.Level.VILLAGE, parent=tarea)
    return org


def build_names() -> dict[str, str]:
    """Unit code → name, from the data alone (no database)."""
    names = {"ZK-GOV": "周口市委市政府"} | {f"ZK-{key}": name for key, name, _kind in CITY_DEPTS}
    for county in COUNTIES:
        names[f"{county.prefix}-GOV"] = county.gov_name
        names |= {f"{county.prefix}-{key}": f"{county.unit_prefix}{suffix}" for key, suffix, _k in COUNTY_DEPTS}
        names |= {town_unit_code(county, town): town_unit_name(county, town) for town in county.towns}
    return names
