"""Models of the demo app: only the bookkeeping of the volume generator's bulk loads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeferredIndex(models.Model):
    """A secondary index or foreign-key constraint dropped for a bulk load (demo.volume.deferred_indexes) and not
    built again yet. The row is written in the transaction that drops it and deleted in the one that builds
    it, so a load that dies leaves exactly what is still missing here, with the SQL that builds each."""

    class Kind(models.TextChoices):
        INDEX = "index", "索引"
        FOREIGN_KEY = "foreign_key", "外键约束"

    name = models.CharField(_("名称"), max_length=63, primary_key=True)
    table = models.CharField(_("数据表"), max_length=63)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.INDEX)
    definition = models.TextField(_("定义"))
    dropped_at = models.DateTimeField(_("删除时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("暂缓重建的索引或约束")
        verbose_name_plural = _("暂缓重建的索引或约束")

    def __str__(self) -> str:
        return f"{self.table}.{self.name}"
