"""Frozen figures: what was published stays what it was (a 通报 printed in March reads the same in June)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """The figures of one area for one period, computed once and never changed. Taking it again (a
    correction) stores a new version; readers use the latest version unless they ask for another."""

    area_code = models.CharField(_("区划代码"), max_length=12)
    area_name = models.CharField(_("区划名称"), max_length=100)
    area_path = models.CharField(_("区划层级路径"), max_length=255)
    period_kind = models.CharField(_("期间类型"), max_length=10)
    period_start = models.DateField(_("期间起"))
    period_end = models.DateField(_("期间止"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    definitions_version = models.PositiveIntegerField(_("指标口径版本"))
    config = models.JSONField(_("口径配置"), default=dict)
    data = models.JSONField(_("统计数据"))
    taken_at = models.DateTimeField(_("生成时间"))
    taken_on = models.DateField(_("数据截至日"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        ordering = ["-period_start", "area_path", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "period_kind", "period_start", "period_end", "version"],
                name="stats_snapshot_unique",
            )
        ]
        indexes = [models.Index(fields=["area_code", "period_start"], name="stats_snapshot_area_period")]

    def __str__(self) -> str:
        return f"{self.area_name} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d} v{self.version}"
