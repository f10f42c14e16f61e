"""The demo's people and rules: logins for every role (one shared password hash), and the counties' routing rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import BasePasswordHasher, make_password
from django.test.utils import override_settings

from xinfang.accounts.models import Role, User
from xinfang.accounts.services import user_create
from xinfang.petitions.models import Category
from xinfang.routing.models import RoutingRule

from .logins import PASSWORD, all_logins
from .org import CITY_CODE, COUNTIES, DemoOrg

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


# ------------------------------------------------------------------------------------------------ users


class _SharedHashHasher(BasePasswordHasher):
    """Hands out one precomputed hash of the (public) demo password, so ~20 accounts cost one hash.

    The stored value is an ordinary hash made by the site's default hasher, so logins verify it with
    the normal hashers; only the loader's `user_create` calls see this class.
    """

    algorithm = "xinfang_demo_shared"
    encoded = ""

    def salt(self) -> str:
        return ""

    def encode(self, password: str, salt: str) -> str:
        if password != PASSWORD or not self.encoded:
            raise ValueError("only the demo password is supported")
        return self.encoded

    def verify(self, password: str, encoded: str) -> bool:  # pragma: no cover - never the stored algorithm
        return False

    def safe_summary(self, encoded: str) -> dict[_StrOrPromise, Any]:  # pragma: no cover
        return {}


@dataclass
class Staff:
    users: dict[str, User] = field(default_factory=dict)
    clerk: dict[str, User] = field(default_factory=dict)  # unit code → user
    dispatcher: dict[str, User] = field(default_factory=dict)
    handler: dict[str, User] = field(default_factory=dict)
    head: dict[str, User] = field(default_factory=dict)


def load_users(org: DemoOrg) -> Staff:
    staff = Staff()
    _SharedHashHasher.encoded = make_password(PASSWORD)
    hashers = [f"{__name__}._SharedHashHasher", *settings.PASSWORD_HASHERS]
    by_role: dict[str, dict[str, User]] = {
        Role.CLERK: staff.clerk,
        Role.DISPATCHER: staff.dispatcher,
        Role.HANDLER: staff.handler,
        Role.HEAD: staff.head,
    }
    with override_settings(PASSWORD_HASHERS=hashers):
        for login in all_logins():
            user = None
            for unit_code, roles in login.posts:
                user = user_create(
                    username=login.username,
                    password=PASSWORD,
                    full_name=login.full_name,
                    unit=org.unit(unit_code),
                    roles=list(roles),
                )
                for role in roles:
                    by_role.get(role, {}).setdefault(unit_code, user)
            assert user is not None
            if login.staff and not (user.is_staff and user.is_superuser):
                # No accounts service sets Django-admin access; this flag is the only direct write.
                User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
            staff.users[login.username] = user
    return staff


# ------------------------------------------------------------------------------------------------ routing

COUNTY_RULES = (
    ("602015", "ZJJ", 0, "住房、物业、房地产等城乡建设事项"),
    ("602006", "RSJ", 0, "劳动保障、社会保险"),
    ("602005", "GAJ", 0, "治安、刑事案件"),
    ("602004", "JW", 0, "检举控告党员干部、公职人员（不得转被检举单位）"),
    ("602007", "JYJ", 0, "教育"),
    ("602014", "ZRZY", 0, "土地、宅基地、矿产"),
    ("602008", "WJW", 0, "医疗卫生"),
    ("602017", "SCJG", 0, "消费维权、食品安全"),
)


def load_routing(org: DemoOrg) -> int:
    categories = {c.code: c for c in Category.objects.filter(parent__isnull=True)}
    wanted: list[tuple[str, str, str, int, str]] = []  # category, area code, unit code, priority, note
    for county in COUNTIES:
        for category, key, priority, note in COUNTY_RULES:
            wanted.append((category, county.code, f"{county.prefix}-{key}", priority, note))
        wanted.append(("602015", county.urban.code, f"{county.prefix}-SZS", 10, "城区道路、井盖、路灯、排水等市政设施"))
    wanted.append(("602011", CITY_CODE, "ZK-STHJ", 0, "生态环境（县区为市生态环境局分局）"))
    created = 0
    for category, area, unit, priority, note in wanted:
        if category not in categories:
            continue
        _rule, made = RoutingRule.objects.get_or_create(
            category=categories[category],
            area=org.area(area),
            unit=org.unit(unit),
            defaults={"priority": priority, "note": note},
        )
        created += made
    return created


# ------------------------------------------------------------------------------------------------ cases
