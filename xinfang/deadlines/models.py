"""Time limits as data: versioned rules and the holiday override table (the per-case rows live with the cases)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.core.models import BaseModel
from xinfang.core.versioned import VersionedQuerySet

from . import engine


class Party(models.TextChoices):
    ORGAN = "organ", _("机关办理期限")
    PETITIONER = "petitioner", _("信访人申请期限")


class DayUnit(models.TextChoices):
    CALENDAR = engine.CALENDAR, _("自然日")
    WORKING = engine.WORKING, _("工作日")


class StartEvent(models.TextChoices):
    REGISTERED = "registered", _("登记")
    RECEIVED = "received", _("收到信访事项（含转送、交办）")
    ACCEPTED = "accepted", _("受理")
    DUE_DATE = "due_date", _("原期限届满（延长加在当前期限上）")
    REPLY_RECEIVED = "reply_received", _("信访人收到处理意见书")
    REVIEW_REQUESTED = "review_requested", _("收到复查请求")
    REVIEW_REPLY_RECEIVED = "review_reply_received", _("信访人收到复查意见书")
    RECHECK_REQUESTED = "recheck_requested", _("收到复核请求")
    OTHER = "other", _("其他")


class TimeLimitRule(BaseModel):
    """One version of one time limit. Several rows may share a code: they differ by jurisdiction and by
    effective dates. A case keeps the version chosen when its deadline was opened (Deadline.rule)."""

    code = models.CharField(
        _("期限代码"), max_length=40, db_index=True, help_text=_("如 transfer、handle、objection；办理流程按代码取期限")
    )
    name = models.CharField(_("名称"), max_length=60)
    legal_basis = models.CharField(
        _("法律依据"), max_length=200, blank=True, help_text=_("如《信访工作条例》第三十四条")
    )
    days = models.PositiveSmallIntegerField(_("期限天数"))
    unit = models.CharField(_("计算单位"), max_length=10, choices=DayUnit.choices, default=DayUnit.CALENDAR)
    start_event = models.CharField(
        _("起算事件"), max_length=30, choices=StartEvent.choices, default=StartEvent.RECEIVED
    )
    roll_forward = models.BooleanField(
        _("末日遇节假日顺延"),
        default=False,
        help_text=_(
            "期限最后一日为休息日、节假日时顺延至其后第一个工作日（民法典第二百零三条）。"
            "信访人的申请期限顺延，机关的办理期限不顺延。"
        ),
    )
    party = models.CharField(_("期限约束方"), max_length=12, choices=Party.choices, default=Party.ORGAN)
    # A GB/T 2260 code, matched as a segment of Area.path ("/41/4116/…/"), so a rule covers the area and
    # its subtree. A code rather than a foreign key lets us ship provincial examples before the
    # administrative divisions are imported. Empty: national rule.
    area_code = models.CharField(
        _("适用区划代码"),
        max_length=12,
        blank=True,
        db_index=True,
        help_text=_("留空为全国通用；填写区划代码则适用于该区划及其下级，优先于全国规则"),
    )
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("含当日；留空为长期有效"))
    active = models.BooleanField(_("启用"), default=True)
    note = models.TextField(_("说明"), blank=True)

    # Workers keep the rules and the calendar in memory (core.versioned): every write renews this token.
    versioned_name = "deadlines"
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["code", "area_code", "-effective_from", "id"]
        verbose_name = _("期限规则")
        verbose_name_plural = _("期限规则")
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gte=1), name="tlr_days_positive"),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=models.F("effective_from")),
                name="tlr_effective_range",
            ),
        ]

    def __str__(self) -> str:
        where = self.area_code or "全国"
        return f"{self.name}（{self.code}，{where}，{self.effective_from:%Y-%m-%d}起）"

    def in_force(self, on: dt.date) -> bool:
        return self.active and self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def applies_to(self, area_path: str) -> bool:
        return not self.area_code or f"/{self.area_code}/" in (area_path or "")

    def spec(self) -> engine.RuleSpec:
        return engine.RuleSpec(
            code=self.code,
            name=self.name,
            legal_basis=self.legal_basis,
            days=self.days,
            unit=self.unit,
            roll_forward=self.roll_forward,
            party=self.party,
        )


class CalendarOverride(BaseModel):
    """A day whose status differs from, or is missing in, the chinesecalendar package."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("休息日（节假日）")
        WORKDAY = "workday", _("工作日（调休上班）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如“春节”“国务院通知调休上班”"))

    # Workers keep the rules and the calendar in memory (core.versioned): every write renews this token.
    versioned_name = "deadlines"
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.note}".strip()


class CalendarYear(BaseModel):
    """ "This year's State Council holiday notice has been entered in full as overrides": from then on
    the override table plus weekends is authoritative for the year, and results are no longer 预计."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=200, help_text=_("如“国务院办公厅关于2027年部分节假日安排的通知”"))

    # Workers keep the rules and the calendar in memory (core.versioned): every write renews this token.
    versioned_name = "deadlines"
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("已录入节假日安排的年份")
        verbose_name_plural = _("已录入节假日安排的年份")

    def __str__(self) -> str:
        return f"{self.year}年：{self.source}"
