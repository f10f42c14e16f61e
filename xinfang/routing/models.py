from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import Area, Unit
from xinfang.core.versioned import VersionedQuerySet


class Category(models.Model):
    """内容分类: 18 first-level categories shipped as editable seed data; second levels under them."""

    code = models.CharField(_("分类代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级分类")
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    # Workers keep the categories in memory (core.versioned): every write renews this token.
    versioned_name = "reference"
    objects = VersionedQuerySet.as_manager()

    class Meta:
        db_table = "petitions_category"  # its table since it lived in petitions (moved here, issue 14)
        ordering = ["sort_order", "code"]
        verbose_name = _("内容分类")
        verbose_name_plural = _("内容分类")

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name


class RoutingRule(models.Model):
    """属地管理、分级负责、谁主管谁负责: category × area (and its subtree) → responsible unit."""

    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("内容分类"),
        help_text=_("留空表示任意分类"),
    )
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("问题属地"),
        help_text=_("含下级区划；留空表示任意属地"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("承办单位"))
    priority = models.IntegerField(_("优先级"), default=0, help_text=_("同等匹配时数值大者优先"))
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-priority", "id"]
        verbose_name = _("分办规则")
        verbose_name_plural = _("分办规则")

    def __str__(self) -> str:
        return f"{self.category or '任意分类'} × {self.area or '任意属地'} → {self.unit}"
