"""What a case accumulates: its timeline events, attachments, and the number sequences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import Unit

from .petition import Petition

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Event(models.Model):
    """The case timeline: one row per action, written in the same transaction as the change."""

    # No index of its own: event_petition_at (petition, at) serves every lookup by case, and the cascade.
    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="events", db_index=False, verbose_name=_("信访事项")
    )
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人账号"),
    )
    actor_name = models.CharField(_("操作人"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作单位")
    )
    action = models.CharField(_("动作"), max_length=40)
    from_status = models.CharField(_("原状态"), max_length=24, blank=True)
    to_status = models.CharField(_("新状态"), max_length=24, blank=True)
    note = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(_("向信访人公开"), default=False)
    public_text = models.TextField(_("公开内容"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["petition", "at"], name="event_petition_at")]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.action}"

    def get_action_label(self) -> StrOrPromise:
        from ..workflow import Action

        extra = {
            "deadline_recomputed": "期限重新计算",
            "reissue_code": "重新生成查询码",
            "issue_document": "生成文书",
            "deliver_document": "文书送达",
        }
        return Action(self.action).label if self.action in Action.values else extra.get(self.action, self.action)


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.petition_id}/{filename}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        LETTER = "letter", _("来信扫描件")
        EVIDENCE = "evidence", _("证据材料")
        REPLY = "reply", _("答复文书")
        OTHER = "other", _("其他")

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("信访事项")
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class NumberSequence(models.Model):
    """Per (scope, year) counter, locked while incremented so concurrent clerks get distinct numbers."""

    scope = models.CharField(_("编号范围"), max_length=20)
    year = models.PositiveIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("最后使用的序号"), default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")
        constraints = [models.UniqueConstraint(fields=["scope", "year"], name="uniq_sequence")]
