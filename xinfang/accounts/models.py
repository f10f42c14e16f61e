from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeAlias

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinfang.core.models import BaseModel
from xinfang.core.versioned import VersionedQuerySet

ACCESS = "access"  # the core.versioned token of users, posts, units and API credentials


class Area(BaseModel):
    """行政区划 (GB/T 2260 codes; 12-digit statistical codes below county level)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省")
        CITY = 2, _("市")
        COUNTY = 3, _("县区")
        TOWNSHIP = 4, _("乡镇街道")
        VILLAGE = 5, _("村社区")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级区划")
    )
    # Materialised path "/41/4116/411621/" so a subtree is one indexed prefix query at any scale.
    path = models.CharField(_("层级路径"), max_length=255, db_index=True, editable=False)
    population = models.PositiveIntegerField(_("人口"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    # Workers keep the areas in memory (core.versioned): every write renews this token.
    versioned_name = "reference"
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        return self.name


class Unit(BaseModel):
    """A 机关/单位: 信访局, 党委政府, 职能部门, 乡镇街道 … arranged in a tree (the level above)."""

    class Kind(models.TextChoices):
        XINFANG = "xinfang", _("信访部门")
        GOVERNMENT = "government", _("党委政府")
        DEPARTMENT = "department", _("职能部门")
        TOWNSHIP = "township", _("乡镇街道")
        VILLAGE = "village", _("村社区")
        DISCIPLINE = "discipline", _("纪检监察")
        POLITICS_LAW = "politics_law", _("政法部门")

    code = models.CharField(_("单位编码"), max_length=40, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="units", verbose_name=_("所在区划"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级单位")
    )
    path = models.CharField(_("层级路径"), max_length=400, db_index=True, editable=False)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    # Who may do what (a user's posts, their units, API credentials) is kept in each worker's memory
    # behind the "access" token (core.versioned): every write to these tables renews it.
    versioned_name = ACCESS
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name

    @property
    def is_xinfang_office(self) -> bool:
        return self.kind == self.Kind.XINFANG


if TYPE_CHECKING:  # the plugin cannot follow from_queryset() on the generic UserManager; the methods are the same
    _UserManagerBase: TypeAlias = DjangoUserManager["User"]
else:
    _UserManagerBase = DjangoUserManager.from_queryset(VersionedQuerySet)


class UserManager(_UserManagerBase):
    """Django's, with bulk writes (`update`: deactivating a credential's user) renewing the "access" token."""


class User(AbstractUser):
    """Staff account. Citizens use the portal with a case number and 查询码 and need no account."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("办公电话"), max_length=40, blank=True)

    versioned_name = ACCESS
    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()


class Role(models.TextChoices):
    CLERK = "clerk", _("登记员")
    DISPATCHER = "dispatcher", _("受理分办")
    HANDLER = "handler", _("承办人")
    HEAD = "head", _("单位负责人")
    LEADER = "leader", _("领导")
    SUPERVISOR = "supervisor", _("督查员")
    ADMIN = "admin", _("系统管理员")
    AUDITOR = "auditor", _("审计员")  # reads the access log (accounts.views_audit); no case actions


class Membership(BaseModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("单位"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    versioned_name = ACCESS
    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="uniq_membership")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class Authenticator(TOTPDevice):  # type: ignore[misc]  # django-otp ships no types
    """django-otp's TOTP device under a Chinese name for the admin (its own labels are not translatable).
    A proxy: the same table, and django-otp itself never lists proxies as device classes."""

    class Meta:
        proxy = True
        verbose_name = _("动态验证码设备")
        verbose_name_plural = _("动态验证码设备")
