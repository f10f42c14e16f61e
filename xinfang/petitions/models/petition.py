"""The case (信访事项) and its co-petitioners/representatives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import Area, Unit
from xinfang.core import crypto

from ..labels import choice_label
from ..workflow import Status
from .reference import (
    Category,
    Channel,
    DeadlineState,
    DispatchMode,
    Outcome,
    Purpose,
    Rating,
    ReviewOutcome,
    SkipLevelTo,
)

if TYPE_CHECKING:
    pass


# The columns the statistics count and group by (xinfang.statistics), beside the area path and the
# receipt time: carried in pet_area_stats so that PostgreSQL answers an area's figures from the index.
STATS_COLUMNS = [
    "id",
    "accused_path",
    "headcount",
    "channel",
    "purpose",
    "category_id",
    "current_unit_id",
    "office_unit_id",
    "is_repeat",
    "is_group",
    "is_skip_level",
    "skip_level_to",
    "replied_at",
    "rating",
    "leader_id",
    "closed_at",
    "has_repeat",
]


class Petition(models.Model):
    number = models.CharField(_("信访件编号"), max_length=40)  # unique: pet_number_unique in Meta
    query_code_hash = models.CharField(_("查询码（摘要）"), max_length=64, blank=True, editable=False)

    channel = models.CharField(_("信访形式"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("收到时间"))
    registered_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )

    # 信访人 (primary petitioner). Name, ID, phone and address are sealed (core.crypto); *_hash are keyed
    # hashes for exact lookup (the name's: exact full-name search); *_masked what lists show.
    petitioner_name_enc = models.TextField(_("信访人姓名（加密）"), blank=True, editable=False)
    petitioner_name_hash = models.CharField(_("信访人姓名（检索摘要）"), max_length=64, blank=True, editable=False)
    petitioner_name_masked = models.CharField(_("信访人姓名"), max_length=100, blank=True, editable=False)
    id_number_enc = models.TextField(_("身份证号（加密）"), blank=True, editable=False)
    id_number_hash = models.CharField(_("身份证号（检索摘要）"), max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=24, blank=True, editable=False)
    phone_enc = models.TextField(_("联系电话（加密）"), blank=True, editable=False)
    phone_hash = models.CharField(_("联系电话（检索摘要）"), max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=24, blank=True, editable=False)
    petitioner_address_enc = models.TextField(_("住址（加密）"), blank=True, editable=False)
    confidential = models.BooleanField(_("要求对身份保密"), default=False)
    identity_released = models.BooleanField(_("已向承办单位公开身份"), default=False)

    headcount = models.PositiveIntegerField(_("信访人数"), default=1)
    is_group = models.BooleanField(_("集体访"), default=False)

    # Indexed by pet_area_stats, which leads with it (Meta.indexes).
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("问题属地")
    )
    area_path = models.CharField(_("问题属地层级路径"), max_length=255, editable=False)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("内容分类")
    )
    purpose = models.CharField(_("信访目的"), max_length=10, choices=Purpose.choices, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("主要诉求及事实理由"))

    # 检举控告: who is accused. Never dispatched to, nor visible to, the accused unit (Art 30(3)).
    accused_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("被检举单位"),
        db_index=False,  # pet_accused_unit, partial, in Meta
    )
    accused_person = models.CharField(_("被检举人"), max_length=100, blank=True)
    accused_path = models.CharField(_("被检举单位层级路径"), max_length=400, blank=True, editable=False)

    is_repeat = models.BooleanField(_("重复信访"), default=False)
    repeat_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
        verbose_name=_("重复件原件"),
        db_index=False,  # pet_repeat_of, partial, in Meta
    )
    # A later case was registered as a repeat of this one: set with that case (petitions.repeats), so that
    # the statistics' 一次性化解 reads a column instead of looking for repeats case by case.
    has_repeat = models.BooleanField(_("此后有重复信访"), default=False, editable=False)
    is_skip_level = models.BooleanField(_("越级信访"), default=False)
    skip_level_to = models.CharField(
        _("越级去向"), max_length=10, choices=SkipLevelTo.choices, blank=True, default=SkipLevelTo.NONE
    )

    status = models.CharField(_("状态"), max_length=24, choices=Status.choices, default=Status.REGISTERED)
    status_changed_at = models.DateTimeField(_("状态变更时间"))
    office_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="office_petitions",
        verbose_name=_("登记信访部门"),
        db_index=False,  # pet_office_status leads with it
    )
    office_path = models.CharField(_("登记信访部门层级路径"), max_length=400, editable=False)
    current_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_petitions",
        verbose_name=_("承办单位"),
        db_index=False,  # pet_current_status leads with it
    )
    current_path = models.CharField(_("承办单位层级路径"), max_length=400, blank=True, editable=False)
    review_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_petitions",
        verbose_name=_("复查/复核机关"),
        db_index=False,  # pet_review_unit, partial, in Meta
    )
    dispatch_mode = models.CharField(_("分办方式"), max_length=10, choices=DispatchMode.choices, blank=True)
    assign_due_date = models.DateField(_("交办期限"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("转送交办时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)

    extension_days_requested = models.PositiveSmallIntegerField(_("申请延期天数"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)

    not_accepted_reason = models.TextField(_("不予受理理由"), blank=True)
    legal_route = models.CharField(_("告知途径"), max_length=40, blank=True)

    reply_outcome = models.CharField(_("处理意见"), max_length=20, choices=Outcome.choices, blank=True)
    reply_facts = models.TextField(_("查明事实"), blank=True)
    reply_reasons = models.TextField(_("理由"), blank=True)
    reply_basis = models.TextField(_("法律政策依据"), blank=True)
    reply_opinion = models.TextField(_("处理意见书正文"), blank=True)
    completion_report = models.TextField(_("办结报告"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("评价意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    review_level = models.PositiveSmallIntegerField(_("复查复核阶段"), default=0)  # 0 none, 1 复查, 2 复核
    review_outcome = models.CharField(_("复查意见"), max_length=20, choices=ReviewOutcome.choices, blank=True)
    recheck_outcome = models.CharField(_("复核意见"), max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_text = models.TextField(_("复查意见书"), blank=True)
    recheck_text = models.TextField(_("复核意见书"), blank=True)
    hearing_open = models.BooleanField(_("听证中"), default=False)

    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    # 包案 (Art 18(2)): a leader personally takes on a hard case and sees it through.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_petitions",
        verbose_name=_("包案领导"),
        db_index=False,  # pet_leader, partial, in Meta
    )

    # The open step's due date and state, kept by the deadlines service for fast inbox queries.
    due_date = models.DateField(_("当前期限"), null=True, blank=True)
    deadline_state = models.CharField(
        _("期限状态"), max_length=10, choices=DeadlineState.choices, blank=True, default=""
    )

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        indexes = [
            # Each index costs every insert and every update that changes its columns (migration 0011
            # dropped the eight no query used). The keyed hashes are only ever compared whole (the
            # same-person lookup): one index each, compared byte by byte (varchar_pattern_ops serves `=`
            # too; a database with a locale collation would compare random hex through the locale and sort
            # it without abbreviated keys: at 1M cases 3.2 s to build instead of 1.6, migration 0013). The
            # paths only ever prefix-matched (a subtree: LIKE 'x/%'), so the pattern_ops one only -- the
            # default-opclass copy serves LIKE under the C collation alone, and no query compares a path
            # whole.
            models.Index(fields=["id_number_hash"], name="pet_id_hash", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["petitioner_name_hash"], name="pet_name_hash", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["phone_hash"], name="pet_phone_hash", opclasses=["varchar_pattern_ops"]),
            # A subtree by area (LIKE 'x/%'): the list's area filter, Open311's reads.
            models.Index(
                fields=["area_path", "received_at"], name="pet_area_path", opclasses=["varchar_pattern_ops", ""]
            ),
            # The statistics of an area (xinfang.statistics, by the subtree's area ids): the columns every
            # figure counts are carried in the index (PostgreSQL INCLUDE; other databases leave them out), so
            # that a city's month (20,000 of 1M cases) is an index-only scan of that month's entries of each
            # of its areas: 52 → 19 ms a breakdown (docs/performance.md). Also the area's foreign-key index.
            models.Index(fields=["area", "received_at"], name="pet_area_stats", include=STATS_COLUMNS),
            # The workbench's inboxes and their lists (petitions.selectors: a unit's cases in a state, the
            # accusation rule applied): an index-only range per unit and state instead of ANDing the whole
            # state's entries with the unit's. A busy county's workbench counts at 1M: 51 → 17 ms, the list's
            # count 17 → 0.5 ms (docs/performance.md). Also the two foreign keys' own indexes.
            models.Index(fields=["office_unit", "status"], name="pet_office_status", include=["accused_path"]),
            models.Index(fields=["current_unit", "status"], name="pet_current_status", include=["accused_path"]),
            models.Index(fields=["office_path"], name="pet_office_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["current_path"], name="pet_current_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["status", "office_path"], name="pet_status_office"),
            models.Index(fields=["status", "current_path"], name="pet_status_current"),
            models.Index(fields=["deadline_state", "due_date"], name="pet_deadline"),
            models.Index(fields=["received_at"], name="pet_received"),
            # The statistics' rating cohort: cases answered in a period (xinfang.statistics), of the whole
            # installation (pet_replied) and of an area's subtree (pet_area_replied, read area by area like
            # pet_area_stats: the cases a city answered in a month, not every case it ever received).
            models.Index(fields=["replied_at"], name="pet_replied", condition=models.Q(replied_at__isnull=False)),
            models.Index(
                fields=["area", "replied_at"],
                name="pet_area_replied",
                include=[*(c for c in STATS_COLUMNS if c != "replied_at"), "received_at"],
                condition=models.Q(replied_at__isnull=False),
            ),
            # A list filtered by state, newest first (migration 0006 has the EXPLAIN figures).
            models.Index(fields=["status", "received_at"], name="pet_status_received"),
            # From EXPLAIN at 250k (docs/performance.md): a state in a subtree (a county's list filtered by
            # state; the overdue count of a city). varchar_pattern_ops lets PostgreSQL use the prefix LIKE
            # under any collation; other databases ignore opclasses.
            # accused_path is carried in the index (PostgreSQL INCLUDE; other databases leave it out) so
            # that the count of a state or a deadline state in a subtree, with the accusation rule, is
            # an index-only scan: at 1M cases a city's 42,000 overdue cases are counted without
            # visiting the table.
            models.Index(
                fields=["status", "area_path"],
                name="pet_status_area",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                include=["accused_path"],
            ),
            models.Index(
                fields=["deadline_state", "area_path"],
                name="pet_deadline_area",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                include=["accused_path"],
            ),
            # The 即将到期 / 已超期 inboxes: a state with the scope's office and current-unit subtrees, so the
            # database fetches those cases only, not every case of the user's units (migration 0009).
            # Partial: only the few cases in those two states are in them.
            models.Index(
                fields=["deadline_state", "office_path"],
                name="pet_due_office",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                condition=models.Q(deadline_state__in=[DeadlineState.SOON, DeadlineState.OVERDUE]),
            ),
            models.Index(
                fields=["deadline_state", "current_path"],
                name="pet_due_current",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                condition=models.Q(deadline_state__in=[DeadlineState.SOON, DeadlineState.OVERDUE]),
            ),
            # Foreign keys empty on most cases (on a registration always): partial, so a case without one
            # adds no entry, while a lookup by value (`= x`, `IN (…)`, the delete checks) still uses it
            # (migration 0012; docs/performance.md, seventh round).
            *(
                models.Index(fields=[f], name=f"pet_{f}", condition=models.Q(**{f"{f}__isnull": False}))
                for f in ("accused_unit", "repeat_of", "review_unit", "leader")
            ),
        ]
        constraints = [
            # unique=True would add a varchar_pattern_ops copy of the index on PostgreSQL, which no query uses
            # (numbers are looked up whole; the search's substring match can use neither).
            models.UniqueConstraint(fields=["number"], name="pet_number_unique"),
            models.CheckConstraint(condition=models.Q(headcount__gte=1), name="pet_headcount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    # The labels the list rows show, from petitions.labels' cache (get_FOO_display rebuilds and translates
    # every choice on each call).
    @property
    def status_label(self) -> str:
        return choice_label(Status, self.status)

    @property
    def channel_label(self) -> str:
        return choice_label(Channel, self.channel)

    @property
    def deadline_state_label(self) -> str:
        return choice_label(DeadlineState, self.deadline_state)

    @property
    def is_accusation(self) -> bool:
        return self.purpose == Purpose.ACCUSATION or bool(self.accused_unit_id or self.accused_person)

    @property
    def is_open(self) -> bool:
        return self.status not in Status.terminal()

    # The clear name and address, decrypted on use: for the pages and letters of those whose role needs
    # them (petitions.access.can_see_name); lists show petitioner_name_masked. Setting either seals it.
    @property
    def petitioner_name(self) -> str:
        return crypto.decrypt(self.petitioner_name_enc)

    @petitioner_name.setter
    def petitioner_name(self, value: str) -> None:
        self.petitioner_name_enc, self.petitioner_name_hash, self.petitioner_name_masked = crypto.seal_name(value)

    @property
    def petitioner_address(self) -> str:
        return crypto.decrypt(self.petitioner_address_enc)

    @petitioner_address.setter
    def petitioner_address(self, value: str) -> None:
        self.petitioner_address_enc = crypto.seal_text(value)


class Representative(models.Model):
    """Co-petitioners; for 集体访 the chosen representatives (at most 5, Art 20(3))."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="representatives", verbose_name=_("信访事项")
    )
    name_enc = models.TextField(_("姓名（加密）"), blank=True, editable=False)
    name_hash = models.CharField(_("姓名（检索摘要）"), max_length=64, blank=True, editable=False)
    name_masked = models.CharField(_("姓名"), max_length=100, blank=True, editable=False)
    id_number_enc = models.TextField(_("身份证号（加密）"), blank=True, editable=False)
    id_number_hash = models.CharField(_("身份证号（检索摘要）"), max_length=64, blank=True, editable=False)
    phone_enc = models.TextField(_("联系电话（加密）"), blank=True, editable=False)
    phone_hash = models.CharField(_("联系电话（检索摘要）"), max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=24, blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=24, blank=True, editable=False)

    class Meta:
        # Compared whole only: one byte-wise index each (see Petition.Meta.indexes).
        indexes = [
            models.Index(fields=["id_number_hash"], name="rep_id_hash", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_hash"], name="rep_name_hash", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["phone_hash"], name="rep_phone_hash", opclasses=["varchar_pattern_ops"]),
        ]
        verbose_name = _("代表")
        verbose_name_plural = _("代表")

    def __str__(self) -> str:
        return self.name_masked

    # The clear name, for the pages and letters of those whose role needs it (petitions.access.can_see_name).
    @property
    def name(self) -> str:
        return crypto.decrypt(self.name_enc)

    @name.setter
    def name(self, value: str) -> None:
        self.name_enc, self.name_hash, self.name_masked = crypto.seal_name(value)
