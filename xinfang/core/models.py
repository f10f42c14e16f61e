from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Append-only, hash-chained record of who did what (state changes, unmasking, exports, logins).

    Each row's `hash` covers its own content and the previous row's hash, so `audit_verify` finds any
    row changed or removed by SQL. The application never updates or deletes these rows.
    """

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人账号"),
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    unit_id_snapshot = models.BigIntegerField(_("单位ID"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    action = models.CharField(_("动作"), max_length=64)
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    target_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    prev_hash = models.CharField(
        _("上一条记录的校验值"),
        max_length=64,
        help_text=_("上一条审计记录的校验值；与本条校验值首尾相接，记录被改动或删除即可发现。"),
    )
    hash = models.CharField(_("校验值"), max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        # Filtered by equality only (the admin's filter; its search is a substring match no index
        # serves): plain indexes, without db_index's varchar_pattern_ops copies (core 0004).
        indexes = [
            models.Index(fields=["action"], name="audit_action"),
            models.Index(fields=["target_id"], name="audit_target"),
        ]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class AuditChainHead(models.Model):
    """One row, locked while appending, so the chain stays linear under concurrent writers."""

    last_hash = models.CharField(_("最后一条记录的校验值"), max_length=64)
    last_id = models.BigIntegerField(_("最后一条记录的编号"), default=0)

    class Meta:
        verbose_name = _("审计链末端")
        verbose_name_plural = _("审计链末端")


class DataVersion(models.Model):
    """A token per kind of reference data (areas and categories: "reference") that changes, to a fresh
    random value, whenever a row of that kind is saved, deleted or bulk-written. Workers keep such data in
    memory and reload it when the token they read differs from the one they loaded with (core.versioned):
    one tiny query instead of a query per lookup. Random, so a rolled-back change is never mistaken for a
    later one."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    token = models.CharField(_("版本标记"), max_length=32)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return f"{self.name}: {self.token}"


class AccessLog(models.Model):
    """Who read what, when, from where: a case page opened, an attachment or a document downloaded, an
    export (PIPL Art 55 ff.; 《信访工作条例》 Art 45 on confidentiality). Shown to 审计员 on their page."""

    class Kind(models.TextChoices):
        CASE_VIEW = "case_view", _("查看信访事项")
        ATTACHMENT = "attachment", _("下载附件")
        DOCUMENT = "document", _("下载文书")
        EXPORT = "export", _("导出")
        PORTAL_DOCUMENT = "portal_document", _("信访人下载文书")

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("访问人账号"),
        db_index=False,  # accesslog_actor_at
    )
    actor_label = models.CharField(_("访问人"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    kind = models.CharField(_("访问类型"), max_length=20, choices=Kind.choices)
    petition_id_ref = models.BigIntegerField(_("信访事项ID"), null=True, blank=True)
    reference = models.CharField(_("信访件编号"), max_length=40, blank=True)
    target = models.CharField(_("访问对象"), max_length=200, blank=True)
    # The area the read concerns (the case's; for an export, the reader's unit's): an auditor sees the
    # entries of their own area's subtree.
    area_path = models.CharField(_("所属区域路径"), max_length=255, blank=True, default="")
    data = models.JSONField(_("附加信息"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["area_path", "at"], name="accesslog_area_at"),
            models.Index(fields=["kind", "at"], name="accesslog_kind_at"),
            models.Index(fields=["actor", "at"], name="accesslog_actor_at"),
            models.Index(fields=["reference"], name="accesslog_reference"),
        ]
        verbose_name = _("访问日志")
        verbose_name_plural = _("访问日志")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_kind_display()} {self.reference}"
