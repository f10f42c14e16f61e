"""One deadline row per step of a case: which rule, counted from when, due when, and how it ended.

The rules and the calendar (TimeLimitRule, CalendarOverride, CalendarYear) are the deadlines app's; the
rows that tie them to a case are the case's, so they live with the case (architecture.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import Area, Unit
from xinfang.deadlines import engine
from xinfang.deadlines.models import Party, TimeLimitRule


def _case_copy(to: type[models.Model], label: Any) -> Any:
    """A reference column copied from the case (see Deadline): no constraint, no index of its own."""
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=label,
    )


class Deadline(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        MET = "met", _("按期完成")
        LATE = "late", _("逾期完成")
        CANCELLED = "cancelled", _("已取消")

    class State(models.TextChoices):
        NORMAL = engine.NORMAL, _("正常")
        SOON = engine.SOON, _("即将到期")
        OVERDUE = engine.OVERDUE, _("已超期")

    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("信访事项")
    )
    code = models.CharField(_("期限代码"), max_length=40)
    rule = models.ForeignKey(
        TimeLimitRule, on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("期限规则")
    )
    party = models.CharField(_("期限约束方"), max_length=12, choices=Party.choices, default=Party.ORGAN)
    start_date = models.DateField(_("起算日"))
    base_due_date = models.DateField(_("法定到期日"))
    due_override = models.DateField(_("交办指定期限"), null=True, blank=True)
    due_date = models.DateField(_("到期日"))
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    paused_days = models.PositiveSmallIntegerField(_("暂停天数"), default=0)
    pause_started = models.DateField(_("暂停开始"), null=True, blank=True)
    estimated = models.BooleanField(_("预计"), default=False)
    basis = models.TextField(_("计算依据"), blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    state = models.CharField(_("期限状态"), max_length=10, choices=State.choices, default=State.NORMAL)
    warned_soon = models.BooleanField(_("已发即将到期提醒"), default=False, editable=False)
    warned_overdue = models.BooleanField(_("已发逾期提醒"), default=False, editable=False)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Copies of the case's area, units and accused path (the same names as the case's columns), kept equal
    # to the case's by petitions.deadlines.facts: the statistics count a scope's limits from this table
    # alone (deadline_area_due). Reference columns without a database constraint or an index of their own:
    # the case's own columns carry those, and a limit's insert checks nothing more.
    area = _case_copy(Area, _("问题属地"))
    current_unit = _case_copy(Unit, _("承办单位"))
    office_unit = _case_copy(Unit, _("登记部门"))
    accused_path = models.CharField(_("被检举单位层级路径"), max_length=400, blank=True, default="", editable=False)
    # The case has another limit of this code (handled again after 不满意, dispatched again after an
    # objection): set on all of them when the second opens (deadline_open, bulk_deadlines). A limit without
    # it is its case's only one of the code, so the statistics count those rows as they are and need
    # DISTINCT only for the few with it (statistics.figures.deadline_counts).
    shares_code = models.BooleanField(_("同类期限不止一个"), default=False, editable=False)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("办理期限")
        verbose_name_plural = _("办理期限")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "code"], condition=models.Q(status="open"), name="uniq_open_deadline_per_code"
            ),
        ]
        # The table keeps the name it had in the deadlines app (moved here without touching the data:
        # petitions migration 0016, SeparateDatabaseAndState).
        db_table = "deadlines_deadline"
        indexes = [
            # The open deadlines only (the sweep, the 即将到期 / 已超期 checks): the closed ones are most of the
            # table and more every year. At 1M cases (4M deadlines, 1M open) it builds in 2.4 s instead of
            # 13.6 s and a closed deadline adds no entry (migration 0006; docs/performance.md).
            models.Index(fields=["party", "due_date"], condition=models.Q(status="open"), name="deadline_open_due"),
            # The statistics' timeliness figures: the limits that fell due in a period, with what they count
            # carried (PostgreSQL INCLUDE), read index-only and joined to the scope's cases: a city's month
            # at 1M cases 580 → 140 ms (docs/performance.md).
            models.Index(
                fields=["due_date", "code"], name="deadline_due_code", include=["status", "petition_id", "shares_code"]
            ),
            # The same for a scope by area (the subtree's area ids), from the copies of the case's facts: one
            # index descent per area and counted code, then that area's limits of the code due in the period,
            # nothing joined (a city's month at 1M cases: 130–300 → 15–60 ms a query; docs/statistics.md).
            models.Index(
                fields=["area", "code", "due_date"],
                name="deadline_area_due",
                include=["status", "petition_id", "current_unit_id", "office_unit_id", "accused_path", "shares_code"],
            ),
            # The limits that share their code alone, the few the statistics count with DISTINCT, in the two orders above: by
            # due date for a scope joined to the cases, by area for an area's (migration 0027).
            models.Index(
                fields=["due_date", "code"],
                name="deadline_shared_due",
                include=["status", "petition_id"],
                condition=models.Q(shares_code=True),
            ),
            models.Index(
                fields=["area", "code", "due_date"],
                name="deadline_shared_area",
                include=["status", "petition_id", "current_unit_id", "office_unit_id", "accused_path"],
                condition=models.Q(shares_code=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.code} {self.due_date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def effective_due(self, today: dt.date) -> dt.date:
        """While paused (听证), the clock stands still: the due date moves with each paused day."""
        if self.pause_started and today > self.pause_started:
            return self.due_date + dt.timedelta(days=(today - self.pause_started).days)
        return self.due_date
