"""Leaders' work: 领导接访日 (the schedule and the visits received) and 下访 records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import Area, Unit
from xinfang.core.models import BaseModel


class ReceptionDay(BaseModel):
    """A leader receives visitors at a place on a day (published on the portal so citizens can come)."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reception_days", verbose_name=_("接访领导")
    )
    leader_title = models.CharField(_("领导职务"), max_length=60, help_text=_("公开显示，如“县委副书记”"))
    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织单位"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("接访区域"))
    area_path = models.CharField(_("区划层级路径"), max_length=255, editable=False)
    date = models.DateField(_("接访日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    place = models.CharField(_("接访地点"), max_length=200)
    topics = models.CharField(_("重点接待事项"), max_length=200, blank=True)
    published = models.BooleanField(_("在门户公开"), default=True)
    cancelled = models.BooleanField(_("已取消"), default=False)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "start_time", "id"]
        verbose_name = _("领导接访日")
        verbose_name_plural = _("领导接访日")
        indexes = [models.Index(fields=["date", "area_path"], name="recday_date_area")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_time__gt=models.F("start_time")), name="recday_times"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.leader} {self.place}"


class ReceptionVisit(models.Model):
    """One visit received on a reception day: the petition registered for it (channel 领导接访), the
    receiving leader, the place and the 接谈人 (staff who sat in and took the record)."""

    day = models.ForeignKey(ReceptionDay, on_delete=models.PROTECT, related_name="visits", verbose_name=_("接访日"))
    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.PROTECT, related_name="reception_visit", verbose_name=_("信访事项")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("接访领导")
    )
    place = models.CharField(_("接访地点"), max_length=200)
    interviewer = models.CharField(_("接谈人"), max_length=100)
    leader_instruction = models.TextField(_("领导批示意见"), blank=True)
    received_at = models.DateTimeField(_("接访时间"))

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("接访记录")
        verbose_name_plural = _("接访记录")


class DownVisit(BaseModel):
    """下访 (四下基层): a leader goes down to a village; whom they met, what they found, what it produced."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="down_visits", verbose_name=_("下访领导")
    )
    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记单位"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("下访地点（区划）"))
    area_path = models.CharField(_("区划层级路径"), max_length=255, editable=False)
    date = models.DateField(_("日期"))
    place = models.CharField(_("具体地点"), max_length=200)
    people_met = models.TextField(_("走访对象"), help_text=_("走访的群众、村组干部等"))
    matters_found = models.TextField(_("发现的问题"))
    disputes = models.ManyToManyField(
        "screening.Dispute", related_name="down_visits", blank=True, verbose_name=_("形成的矛盾纠纷")
    )
    petitions = models.ManyToManyField(
        "petitions.Petition", related_name="down_visits", blank=True, verbose_name=_("关联的信访事项")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("领导下访")
        verbose_name_plural = _("领导下访")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.leader} {self.place}"
