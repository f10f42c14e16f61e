"""Fake people and places for the demo city and the volume generator (the one source of both).

Names, valid-checksum ID numbers (GB 11643-1999), mobile numbers, villages, estates, firms and
streets. Every person is made from a seeded `random.Random`, so a load is reproducible. The numbers are
random and carry no meaning; they are stored only encrypted and masked by the petition services.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from xinfang.core.validators import id_check_char

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田"
    "任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_MALE = (
    "建国",
    "建军",
    "国强",
    "志强",
    "卫东",
    "红军",
    "海涛",
    "振华",
    "德胜",
    "保国",
    "明亮",
    "新民",
    "光辉",
    "永刚",
    "长林",
    "春生",
    "金锁",
    "铁柱",
    "二虎",
    "伟",
    "磊",
    "军",
    "勇",
    "涛",
    "超",
    "鹏飞",
    "俊杰",
    "浩然",
    "子涵",
    "宇航",
    "文博",
    "志刚",
    "东升",
    "广才",
    "连喜",
    "留根",
    "全福",
    "玉堂",
    "庆丰",
    "富贵",
)
GIVEN_FEMALE = (
    "秀英",
    "桂兰",
    "玉梅",
    "秀兰",
    "凤英",
    "桂英",
    "玉兰",
    "淑珍",
    "素芳",
    "翠花",
    "春梅",
    "红霞",
    "丽娟",
    "艳",
    "静",
    "敏",
    "娜",
    "芳",
    "婷婷",
    "雪",
    "欣怡",
    "梦琪",
    "雨涵",
    "晓燕",
    "海燕",
    "金花",
    "小红",
    "爱莲",
    "荣华",
    "巧云",
)
# Prefixes in use on the mainland (domain.md §5.2); only the format is ever validated.
MOBILE_PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "182",
    "183",
    "187",
    "188",
    "198",
    "130",
    "131",
    "132",
    "155",
    "156",
    "166",
    "175",
    "176",
    "185",
    "186",
    "133",
    "153",
    "173",
    "177",
    "180",
    "181",
    "189",
    "191",
    "199",
)


def person_name(rng: random.Random, *, male: bool | None = None) -> str:
    if male is None:
        male = rng.random() < 0.55
    return rng.choice(SURNAMES) + rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)


def id_number(area_code: str, birth: dt.date, male: bool, rng: random.Random) -> str:
    """An 18-character 公民身份号码 with a valid ISO 7064 MOD 11-2 check character."""
    seq = rng.randrange(1, 500) * 2 - (1 if male else 0)  # odd = male, even = female
    first17 = f"{area_code[:6]}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


@dataclass(frozen=True)
class Person:
    name: str
    male: bool
    birth: dt.date
    id_number: str
    phone: str
    address: str

    def age_on(self, day: dt.date) -> int:
        return day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))

    def as_petitioner(self, *, with_id: bool = True, with_phone: bool = True) -> dict[str, str]:
        return {
            "name": self.name,
            "id_number": self.id_number if with_id else "",
            "phone": self.phone if with_phone else "",
            "address": self.address,
        }


def make_person(
    rng: random.Random,
    *,
    area_code: str,
    address: str,
    name: str | None = None,
    male: bool | None = None,
    birth: dt.date | None = None,
    min_year: int = 1942,
    max_year: int = 2002,
) -> Person:
    if male is None:
        male = rng.random() < 0.55
    if birth is None:
        start = dt.date(min_year, 1, 1).toordinal()
        birth = dt.date.fromordinal(rng.randrange(start, dt.date(max_year, 12, 28).toordinal()))
    if name is None:
        name = person_name(rng, male=male)
    return Person(
        name=name,
        male=male,
        birth=birth,
        id_number=id_number(area_code, birth, male, rng),
        phone=mobile(rng),
        address=address,
    )


# ------------------------------------------------------------------------------------------------ places and firms

# Village names (with 村): the demo city's own villages come from `city.org`; these fill the rest.
VILLAGES = (
    "王庄村",
    "李楼村",
    "张营村",
    "刘集村",
    "陈湾村",
    "后杨村",
    "前赵村",
    "西黄村",
    "东周村",
    "吴寨村",
    "孙堂村",
    "马庄村",
    "高庄村",
    "何楼村",
    "郭屯村",
    "小罗庄村",
    "梁营村",
    "宋岗村",
    "谢桥村",
    "韩庄村",
)
# Residential estates and 家属院.
ESTATES = (
    "阳光花园",
    "锦绣家园",
    "金色港湾",
    "幸福里小区",
    "建业森林半岛",
    "书香苑",
    "御景华府",
    "康馨苑",
    "城市花园",
    "东方名城",
    "翡翠城",
    "丽景湾",
    "盛世华庭",
    "教师家属院",
    "粮食局家属院",
    "金水湾",
    "翰林苑",
    "东方明珠小区",
    "紫荆城",
    "滨河名苑",
    "世纪新城",
)
# Firms that owe wages, sell flats late or build badly.
COMPANIES = (
    "宏达建筑工程有限公司",
    "鑫源劳务有限公司",
    "恒信置业有限公司",
    "永兴纺织有限公司",
    "华城建设集团",
    "顺发食品有限公司",
    "金盛物流有限公司",
    "天成置业有限公司",
    "豫东制衣厂",
    "众诚物业服务有限公司",
    "鑫源置业有限公司",
    "华腾物流有限公司",
    "永安物业服务有限公司",
    "金穗食品有限公司",
    "恒通汽车运输有限公司",
    "瑞丰纺织有限公司",
    "中原建工集团第三分公司",
    "佳美装饰工程有限公司",
    "天成混凝土有限公司",
    "安康医药连锁有限公司",
    "蓝天教育培训学校",
)
# Streets of a county seat (the demo counties have their own in `city.org`).
STREETS = (
    "人民路",
    "建设路",
    "解放路",
    "中山路",
    "文化路",
    "新华路",
    "健康路",
    "工业路",
    "胜利街",
    "光明路",
    "黄河路",
    "长江路",
    "迎宾大道",
    "兴业路",
    "车站路",
    "和平路",
    "东风路",
    "青年路",
    "育才路",
    "交通路",
)
