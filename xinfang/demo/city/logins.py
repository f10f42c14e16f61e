"""Demo accounts: the named logins a visitor tries, and one back-office account per county.

All share the password below; it is printed by `manage.py demo_logins` and is public on purpose.
Never load the demo data into a production database.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.accounts.models import Role

from .org import COUNTIES, COUNTY_DEPTS, County, town_unit_code

PASSWORD = "xinfang-demo-2026"


@dataclass(frozen=True)
class Login:
    username: str
    full_name: str
    posts: tuple[tuple[str, tuple[str, ...]], ...]  # (unit code, roles)
    hint: str  # what to try with it
    staff: bool = False  # Django admin access (is_staff + is_superuser)


NAMED: tuple[Login, ...] = (
    Login("dengji", "李静", (("FG-XFJ", (Role.CLERK,)),), "登记来电、来信、来访；审核网上信访（待登记）"),
    Login(
        "fenban",
        "张国强",
        (("FG-XFJ", (Role.DISPATCHER,)),),
        "分办：转送/交办、直接办理、不予受理；处理异议退回；回访评价、办结归档",
    ),
    Login("chengban", "王磊", (("FG-SZS", (Role.HANDLER,)),), "受理转来的事项、记录办理情况、申请延期、起草处理意见书"),
    Login("fuzeren", "刘建军", (("FG-SZS", (Role.HEAD,)),), "审批延期和处理意见书（通过或退回修改）"),
    Login("zhujian", "陈晓燕", (("FG-ZJJ", (Role.HANDLER,)),), "住建局承办：物业、逾期交房等城乡建设事项"),
    Login("xianfu", "赵志刚", (("FG-GOV", (Role.HANDLER, Role.HEAD)),), "复查：办理县直部门和乡镇事项的复查申请"),
    Login("shifu", "孙海涛", (("ZK-GOV", (Role.HANDLER, Role.HEAD)),), "复核：办理复核申请、组织听证"),
    Login("lingdao", "周振华", (("FG-GOV", (Role.LEADER,)),), "领导包案：查看本人包案的事项、全县信访态势和超期预警"),
    Login("ducha", "吴丽娟", (("ZK-XFJ", (Role.SUPERVISOR,)),), "督查全市信访事项，查看超期预警"),
    Login("shixfj", "郑红霞", (("ZK-XFJ", (Role.CLERK, Role.DISPATCHER)),), "市信访局登记越级来访、分办到市直部门"),
    Login(
        "admin",
        "系统管理员",
        (("ZK-XFJ", (Role.ADMIN,)),),
        "进入 /admin/ 维护区划、单位、用户、分类与分办规则",
        staff=True,
    ),
)

# Units whose handling posts are taken by named logins (the back-office account does not duplicate them).
NAMED_HANDLERS = {"FG-SZS": ("chengban", "fuzeren"), "FG-GOV": ("xianfu", "xianfu"), "ZK-GOV": ("shifu", "shifu")}
NAMED_OFFICES = {"FG-XFJ": ("dengji", "fenban"), "ZK-XFJ": ("shixfj", "shixfj")}
BOTH = (Role.HANDLER, Role.HEAD)


def county_login(county: County) -> Login:
    """A back-office account that staffs every unit of one county (so the demo cases can be worked)."""
    posts: list[tuple[str, tuple[str, ...]]] = []
    p = county.prefix
    if f"{p}-XFJ" in NAMED_OFFICES:
        posts.append((f"{p}-XFJ", BOTH))  # the 信访局 answering 咨询 itself
    else:
        posts.append((f"{p}-XFJ", (Role.CLERK, Role.DISPATCHER, *BOTH)))
    if f"{p}-GOV" not in NAMED_HANDLERS:
        posts.append((f"{p}-GOV", BOTH))
    for key, _suffix, _kind in COUNTY_DEPTS:
        code = f"{p}-{key}"
        if key != "XFJ" and code not in NAMED_HANDLERS:
            posts.append((code, BOTH))
    posts.extend((town_unit_code(county, town), BOTH) for town in county.towns)
    name = "周口经开区" if county.key == "jingkai" else county.name
    return Login(county.key, f"{name}综合岗", tuple(posts), f"{name}各单位的登记、分办、承办和审批")


CITY_LOGIN = Login(
    "zhoukou",
    "市直部门综合岗",
    tuple(
        (code, BOTH)
        for code in (
            "ZK-XFJ",
            "ZK-JW",
            "ZK-ZFW",
            "ZK-ZJJ",
            "ZK-RSJ",
            "ZK-GAJ",
            "ZK-CGJ",
            "ZK-JYJ",
            "ZK-ZRZY",
            "ZK-STHJ",
        )
    ),
    "市直部门承办和审批（市信访局转来的事项）",
)


def all_logins() -> list[Login]:
    return [*NAMED, *(county_login(c) for c in COUNTIES), CITY_LOGIN, *LOGINS]


# 郸城县's campaign and its leaders (demo/screening_seed.py: 包案, 接访日, 作战示意图).
CAMPAIGN_NAME = "郸城县信访问题源头治理“四大攻坚”专项行动"

# County leaders: username, name, title. Also demo logins (all with the demo password).
LEADERS = (
    ("dc_shuji", "郭建国", "县委书记"),
    ("dc_xianzhang", "马卫东", "县长"),
    ("dc_zhengfa", "韩立新", "县委常委、政法委书记"),
    ("dc_changwu", "罗志强", "常务副县长"),
    ("dc_fuxian", "宋雅琴", "副县长"),
)
LOGINS = tuple(
    Login(u, n, (("DC-GOV", (Role.LEADER,)),), f"郸城县{t}：包案、接访日、作战示意图（{CAMPAIGN_NAME}）")
    for u, n, t in LEADERS
)
