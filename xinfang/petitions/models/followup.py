"""After the reply: the 回访 (return visit) record, and how the petitioner wants to be told things.

Kept beside models.py (imported at its end) so that the notices and the 回访 step sit in one file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .petition import Petition
from .reference import Rating


class ReturnVisit(models.Model):
    """One 回访: the office calls the petitioner back (or asks by SMS) after the reply. A row without
    `visited_at` is a 回访 task: the reply went unrated for XINFANG_RETURN_VISIT_AFTER_DAYS days."""

    class Method(models.TextChoices):
        PHONE = "phone", _("电话回访")
        SMS = "sms", _("短信回访")
        VISIT = "visit", _("上门回访")
        INTERVIEW = "interview", _("当面回访")

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="return_visits", verbose_name=_("信访事项")
    )
    due_on = models.DateField(_("应回访日期"), null=True, blank=True)
    visited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("回访人"),
    )
    method = models.CharField(_("回访方式"), max_length=10, choices=Method.choices, blank=True)
    reached = models.BooleanField(_("已联系上"), default=False)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    comment = models.TextField(_("信访人意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        constraints = [
            models.UniqueConstraint(
                fields=["petition"], condition=Q(visited_at__isnull=True), name="revisit_one_open_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.get_method_display()}"


class PetitionerContact(models.Model):
    """How the petitioner asked to be told: an e-mail address (sealed like the phone), and whether the
    查询码 may be sent by SMS (only when they asked for it at submission)."""

    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, related_name="contact", verbose_name=_("信访事项")
    )
    email_enc = models.TextField(_("电子邮箱（加密）"), blank=True, editable=False)
    email_masked = models.CharField(_("电子邮箱"), max_length=120, blank=True, editable=False)
    query_code_by_sms = models.BooleanField(_("短信发送查询码"), default=False)

    class Meta:
        verbose_name = _("信访人联系方式")
        verbose_name_plural = _("信访人联系方式")

    def __str__(self) -> str:
        return str(self.petition_id)
