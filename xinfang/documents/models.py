"""公文: templates an office may replace, 文号 counters, the stored documents and their 送达 records.

Generic on purpose: a document names what it belongs to by (subject_type, subject_id) and a readable
reference (a case number), which the higher app sets; nothing here knows what a petition is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import Unit
from xinfang.core.models import BaseModel


def template_path(instance: DocumentTemplate, filename: str) -> str:
    return f"doc_templates/{instance.office_id}/{instance.kind}-v{instance.version}.docx"


def document_path(instance: Document, filename: str) -> str:
    return f"documents/{instance.subject_type}/{instance.subject_id}/{instance.kind}-v{instance.version}.docx"


class DocumentTemplate(BaseModel):
    """An office's own Word template for one kind of document; the shipped default applies without one."""

    kind = models.CharField(_("文书种类"), max_length=40)
    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    version = models.PositiveIntegerField(_("版本"), editable=False)
    file = models.FileField(_("模板文件（.docx）"), upload_to=template_path)
    checksum = models.CharField(_("SHA-256 校验值"), max_length=64, editable=False)
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("上传人"),
    )

    class Meta:
        ordering = ["office", "kind", "-version"]
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        constraints = [models.UniqueConstraint(fields=["office", "kind", "version"], name="doctpl_version_unique")]

    def __str__(self) -> str:
        return f"{self.office} · {self.kind} · v{self.version}"


class NumberSequence(models.Model):
    """The 文号 counter of one issuing unit, 机关代字 and year: 扶信转〔2026〕15号."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("发文机关"))
    word = models.CharField(_("机关代字"), max_length=20)  # e.g. 扶信转
    year = models.PositiveSmallIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("已用到的序号"), default=0)

    class Meta:
        verbose_name = _("发文字号序列")
        verbose_name_plural = _("发文字号序列")
        constraints = [models.UniqueConstraint(fields=["unit", "word", "year"], name="docnum_unit_word_year")]

    def __str__(self) -> str:
        return f"{self.word}〔{self.year}〕{self.last}号"


class Document(models.Model):
    """One generated document, never changed once written: a regenerated notice is a new version."""

    kind = models.CharField(_("文书种类"), max_length=40)
    title = models.CharField(_("标题"), max_length=100)
    subject_type = models.CharField(_("所属对象类型"), max_length=40)
    subject_id = models.BigIntegerField(_("所属对象编号"))
    reference = models.CharField(_("编号"), max_length=40)
    issuer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("发文机关"))
    recipient = models.CharField(_("主送"), max_length=200)
    for_petitioner = models.BooleanField(_("送达信访人"), default=False)
    doc_number = models.CharField(_("发文字号"), max_length=60)
    version = models.PositiveIntegerField(_("版本"))
    template_version = models.CharField(_("模板版本"), max_length=120)
    file = models.FileField(_("文件"), upload_to=document_path)
    checksum = models.CharField(_("SHA-256 校验值"), max_length=64)
    size = models.PositiveIntegerField(_("大小"))
    created_at = models.DateTimeField(_("生成时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("生成人账号"),
    )
    created_by_name = models.CharField(_("生成人"), max_length=100, blank=True)

    class Meta:
        ordering = ["subject_type", "subject_id", "kind", "version"]
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="doc_subject")]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind", "version"], name="doc_subject_kind_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.doc_number}（第{self.version}版）"

    @property
    def filename(self) -> str:
        return f"{self.reference}-{self.title}-v{self.version}.docx"


class Delivery(models.Model):
    """送达: how, when and by whom a document reached its addressee. The windows start from here."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("当面送达")
        POST = "post", _("邮寄送达")
        SMS = "sms", _("短信送达")
        ONLINE = "online", _("网上送达")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("文书"))
    method = models.CharField(_("送达方式"), max_length=20, choices=Method.choices)
    tracking_number = models.CharField(_("邮件单号"), max_length=40, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"))
    recipient = models.CharField(_("受送达人"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人账号"),
    )
    recorded_by_name = models.CharField(_("登记人"), max_length=100, blank=True)

    class Meta:
        ordering = ["document", "delivered_at"]
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")

    def __str__(self) -> str:
        return f"{self.document} · {self.get_method_display()}"
