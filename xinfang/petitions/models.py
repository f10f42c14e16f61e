from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import Area, Unit
from xinfang.core.versioned import VersionedQuerySet

from .workflow import Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Category(models.Model):
    """内容分类: 18 first-level categories shipped as editable seed data; second levels under them."""

    code = models.CharField(_("分类代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级分类")
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    # Workers keep the categories in memory (core.versioned): every write renews this token.
    versioned_name = "reference"
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("内容分类")
        verbose_name_plural = _("内容分类")

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name


class Channel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    CALL = "call", _("来电/热线")
    ONLINE = "online", _("网上信访")
    SMS = "sms", _("短信")
    FAX = "fax", _("传真")
    MAILBOX = "mailbox", _("民情意见箱")
    LEADER = "leader", _("领导接访")
    CONTACT_POINT = "contact_point", _("群众诉求举报联系点")


class Purpose(models.TextChoices):
    # Codes as used by provincial systems (domain.md §4).
    SUGGESTION = "601001", _("意见建议")
    APPEAL = "601002", _("申诉")
    DEMAND = "601003", _("求决")
    ACCUSATION = "601004", _("揭发控告")
    INQUIRY = "601005", _("咨询")
    OTHER = "601006", _("其他")


class DispatchMode(models.TextChoices):
    TRANSFER = "transfer", _("转送")
    ASSIGN = "assign", _("交办")
    DIRECT = "direct", _("直接办理")


class Outcome(models.TextChoices):
    """Art 32 《信访工作条例》."""

    SUPPORT = "support", _("支持")
    EXPLAIN = "explain", _("解释说明")
    NOT_SUPPORTED = "not_supported", _("不予支持")


class ReviewOutcome(models.TextChoices):
    UPHOLD = "uphold", _("维持原处理意见")
    CHANGE = "change", _("变更原处理意见")
    REVOKE = "revoke", _("撤销原处理意见，责令重新办理")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class DeadlineState(models.TextChoices):
    NONE = "", _("无期限")
    NORMAL = "normal", _("正常")
    SOON = "soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")


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

    # 信访人 (primary petitioner). ID and phone are sealed; *_hash are keyed hashes for exact lookup.
    petitioner_name = models.CharField(_("信访人姓名"), max_length=100, blank=True)
    id_number_enc = models.TextField(_("身份证号（加密）"), blank=True, editable=False)
    id_number_hash = models.CharField(_("身份证号（检索摘要）"), max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=24, blank=True, editable=False)
    phone_enc = models.TextField(_("联系电话（加密）"), blank=True, editable=False)
    phone_hash = models.CharField(_("联系电话（检索摘要）"), max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=24, blank=True, editable=False)
    petitioner_address = models.CharField(_("住址"), max_length=200, blank=True)
    confidential = models.BooleanField(_("要求对身份保密"), default=False)
    identity_released = models.BooleanField(_("已向承办单位公开身份"), default=False)

    headcount = models.PositiveIntegerField(_("信访人数"), default=1)
    is_group = models.BooleanField(_("集体访"), default=False)

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("问题属地"))
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
    is_skip_level = models.BooleanField(_("越级信访"), default=False)

    status = models.CharField(_("状态"), max_length=24, choices=Status.choices, default=Status.REGISTERED)
    status_changed_at = models.DateTimeField(_("状态变更时间"))
    office_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="office_petitions", verbose_name=_("登记信访部门")
    )
    office_path = models.CharField(_("登记信访部门层级路径"), max_length=400, editable=False)
    current_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_petitions",
        verbose_name=_("承办单位"),
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
            models.Index(fields=["phone_hash"], name="pet_phone_hash", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["area_path"], name="pet_area_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["office_path"], name="pet_office_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["current_path"], name="pet_current_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["status", "office_path"], name="pet_status_office"),
            models.Index(fields=["status", "current_path"], name="pet_status_current"),
            models.Index(fields=["deadline_state", "due_date"], name="pet_deadline"),
            models.Index(fields=["received_at"], name="pet_received"),
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

    @property
    def is_accusation(self) -> bool:
        return self.purpose == Purpose.ACCUSATION or bool(self.accused_unit_id or self.accused_person)

    @property
    def is_open(self) -> bool:
        return self.status not in Status.terminal()


class Representative(models.Model):
    """Co-petitioners; for 集体访 the chosen representatives (at most 5, Art 20(3))."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="representatives", verbose_name=_("信访事项")
    )
    name = models.CharField(_("姓名"), max_length=100)
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
            models.Index(fields=["phone_hash"], name="rep_phone_hash", opclasses=["varchar_pattern_ops"]),
        ]
        verbose_name = _("代表")
        verbose_name_plural = _("代表")

    def __str__(self) -> str:
        return self.name


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
        from .workflow import Action

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


class ImportRecord(models.Model):
    """One imported spreadsheet row: a keyed fingerprint of its normalized content, so that importing the
    same file again (or an overlapping one) creates nothing twice."""

    fingerprint = models.CharField(_("行内容校验值"), max_length=64, unique=True)
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+", verbose_name=_("信访事项"))
    source = models.CharField(_("来源文件"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")

    def __str__(self) -> str:
        return f"{self.source} → {self.petition_id}"


def import_upload_path(instance: ImportJob, filename: str) -> str:
    """A random name: the clerk's file name may itself carry a petitioner's name."""
    import uuid

    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"imports/{uuid.uuid4().hex}{suffix}"


class ImportJob(models.Model):
    """One spreadsheet import started on the staff page and run in the background (see import_jobs.py).

    The upload is kept only while the job waits or runs; it is deleted when the job ends (done,
    failed or found interrupted), since it holds ID and phone numbers in clear text."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在导入")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        INTERRUPTED = "interrupted", _("中断")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("导入人")
    )
    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("信访部门"))
    filename = models.CharField(_("原文件名"), max_length=200)
    file = models.FileField(_("上传文件"), upload_to=import_upload_path, max_length=200, blank=True)
    partial = models.BooleanField(_("只导入正确的行"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.QUEUED)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    report = models.JSONField(_("导入结果"), default=dict, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    progress_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "-created_at"], name="importjob_office_created")]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"


# A case's deadline rows: their own module (this one is long), registered with this app from here.
from .deadlines.models import Deadline as Deadline  # noqa: E402

# After the reply: 回访 records and the petitioner's contact choices (petitions/followup.py).
from .followup import PetitionerContact as PetitionerContact  # noqa: E402
from .followup import ReturnVisit as ReturnVisit  # noqa: E402
