from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import Area, Unit


class RoutingRule(models.Model):
    """属地管理、分级负责、谁主管谁负责: category × area (and its subtree) → responsible unit."""

    category = models.ForeignKey(
        "petitions.Category",
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
