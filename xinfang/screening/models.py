"""矛盾纠纷排查化解: risk grades (configurable), disputes (一案一档), their parties, timeline, grade history,
plan steps (一案一策) and the petitions gathered into them. Campaigns and leaders' work: campaign_models.py,
leader_models.py (imported at the bottom, so Django finds them in this app)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import Area, Unit
from xinfang.core.models import BaseModel


class RiskGrade(BaseModel):
    """One colour of the grade scheme (修水 红/橙/黄/蓝 by default; 三色 or 高/中/低 by editing these rows).

    The grade sets who must take the case on (`leader_level`: the 行政区划 level of the leader's post:
    3 县级, 4 乡镇级, 5 村级) and the resolution deadline (`deadline_days`, counted by the deadline engine)."""

    code = models.CharField(_("等级代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=20)
    color = models.CharField(_("颜色"), max_length=7, help_text=_("如 #d93025"))
    meaning = models.CharField(_("含义"), max_length=200, blank=True)
    rank = models.PositiveSmallIntegerField(_("严重程度"), help_text=_("数字越小越严重，作战图按最严重等级着色"))
    leader_level = models.PositiveSmallIntegerField(
        _("包案领导层级"), choices=Area.Level.choices, default=Area.Level.TOWNSHIP
    )
    deadline_days = models.PositiveSmallIntegerField(_("化解期限"), default=30)
    deadline_working = models.BooleanField(_("按工作日计算"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["rank", "code"]
        verbose_name = _("风险等级")
        verbose_name_plural = _("风险等级")
        constraints = [models.CheckConstraint(condition=models.Q(deadline_days__gte=1), name="grade_days_positive")]

    def __str__(self) -> str:
        return self.name


class DisputeType(models.TextChoices):
    LAND = "land", _("土地征收与流转")
    DEMOLITION = "demolition", _("房屋拆迁")
    WAGES = "wages", _("拖欠工资与劳动争议")
    PROPERTY = "property", _("物业与住房")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    FAMILY = "family", _("婚姻家庭")
    ENVIRONMENT = "environment", _("环境污染")
    VILLAGE = "village", _("村务财务")
    LITIGATION = "litigation", _("涉法涉诉")
    SOCIAL = "social", _("社会保障")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    SCREENING = "screening", _("拉网式排查")
    GRID = "grid", _("网格员上报")
    UNIT = "unit", _("单位上报")
    PETITION = "petition", _("信访事项转入")
    DOWN_VISIT = "down_visit", _("领导下访发现")


class CaseClass(models.TextChoices):
    """The three 化解率 targets (房山 rules: 初信初访 ≥90%, 重信重访 ≥80%, 历史积案 ≥70%)."""

    FIRST = "first", _("初信初访")
    REPEAT = "repeat", _("重信重访")
    OLD = "old", _("历史积案")


class Outcome(models.TextChoices):
    OPEN = "", _("化解中")
    RESOLVED = "resolved", _("已化解")
    CONTROLLED = "controlled", _("稳控中")
    UNRESOLVED = "unresolved", _("未化解")
    LEGAL = "legal", _("转入法定途径")

    @classmethod
    def closed(cls) -> frozenset[str]:
        """Outcomes that end the work on the case (the others stay on the board)."""
        return frozenset({cls.RESOLVED, cls.LEGAL})


class Dispute(BaseModel):
    number = models.CharField(_("编号"), max_length=40, unique=True)
    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记单位"))
    office_path = models.CharField(_("登记单位层级路径"), max_length=400, editable=False)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.SCREENING)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区划"))
    area_path = models.CharField(_("区划层级路径"), max_length=255, editable=False)
    dispute_type = models.CharField(_("纠纷类型"), max_length=20, choices=DisputeType.choices)
    case_class = models.CharField(_("案件类别"), max_length=10, choices=CaseClass.choices, default=CaseClass.FIRST)
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("简要情况"))
    headcount = models.PositiveIntegerField(_("涉及人数"), default=1)
    grade = models.ForeignKey(RiskGrade, on_delete=models.PROTECT, related_name="+", verbose_name=_("风险等级"))
    measures = models.TextField(_("稳控措施"), blank=True)
    plan = models.TextField(_("化解方案（一案一策）"), blank=True)
    responsible_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    responsible_path = models.CharField(_("责任单位层级路径"), max_length=400, blank=True, editable=False)
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_disputes",
        verbose_name=_("包案领导"),
    )
    found_on = models.DateField(_("排查发现日期"))
    due_date = models.DateField(_("化解期限"))
    due_basis = models.TextField(_("期限依据"), blank=True)
    deadline_state = models.CharField(_("期限状态"), max_length=10, blank=True)
    outcome = models.CharField(_("化解结果"), max_length=12, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.TextField(_("化解情况"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    confirmed = models.BooleanField(_("当事人已确认"), null=True, blank=True)
    confirmation_note = models.CharField(_("确认情况"), max_length=300, blank=True)
    campaign = models.ForeignKey(
        "screening.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
        verbose_name=_("专项攻坚"),
    )
    marked = models.BooleanField(_("挂图作战"), default=False, help_text=_("攻坚的重点难点案件，标注在作战示意图上"))
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    petitions = models.ManyToManyField(
        "petitions.Petition", through="DisputePetition", related_name="disputes", verbose_name=_("关联信访事项")
    )

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        indexes = [
            models.Index(fields=["area_path"], name="dsp_area_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["responsible_path"], name="dsp_resp_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["office_path"], name="dsp_office_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["outcome", "due_date"], name="dsp_outcome_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.outcome not in Outcome.closed()


class DisputeParty(models.Model):
    """A party (当事人). Name, ID and phone sealed like a petitioner's (parties.py); masked in every list."""

    class Side(models.TextChoices):
        CLAIMANT = "claimant", _("申请方/诉求人")
        RESPONDENT = "respondent", _("被申请方")
        OTHER = "other", _("其他当事人")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties", verbose_name=_("矛盾纠纷"))
    side = models.CharField(_("身份"), max_length=12, choices=Side.choices, default=Side.CLAIMANT)
    name_enc = models.TextField(_("姓名（加密）"), blank=True, editable=False)
    name_hash = models.CharField(_("姓名（检索摘要）"), max_length=64, blank=True, editable=False)
    name_masked = models.CharField(_("姓名"), max_length=100, blank=True, editable=False)
    id_number_enc = models.TextField(_("身份证号（加密）"), blank=True, editable=False)
    id_number_hash = models.CharField(_("身份证号（检索摘要）"), max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=24, blank=True, editable=False)
    phone_enc = models.TextField(_("联系电话（加密）"), blank=True, editable=False)
    phone_hash = models.CharField(_("联系电话（检索摘要）"), max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=24, blank=True, editable=False)
    organisation = models.CharField(_("单位或组织"), max_length=100, blank=True, help_text=_("当事方为单位时填写"))

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        indexes = [
            models.Index(fields=["id_number_hash"], name="dparty_id_hash", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["phone_hash"], name="dparty_phone_hash", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name_masked or self.organisation


class DisputePetition(models.Model):
    """A petition gathered into a dispute. The petition keeps its own workflow, deadlines and timeline."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="links", verbose_name=_("矛盾纠纷"))
    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.CASCADE, related_name="dispute_links", verbose_name=_("信访事项")
    )
    linked_at = models.DateTimeField(_("关联时间"))

    class Meta:
        verbose_name = _("关联信访事项")
        verbose_name_plural = _("关联信访事项")
        constraints = [models.UniqueConstraint(fields=["dispute", "petition"], name="uniq_dispute_petition")]


# What each action of the timeline reads as on the dispute page and in the API.
ACTION_LABELS = {
    "register": "排查登记",
    "raise": "由信访事项转为矛盾纠纷",
    "link_petition": "关联信访事项",
    "grade": "调整风险等级",
    "assign": "明确责任单位",
    "take_on": "领导包案",
    "hand_over": "包案移交",
    "release": "解除包案",
    "progress": "化解进展",
    "measures": "更新稳控措施与化解方案",
    "step_add": "新增化解步骤",
    "step_done": "完成化解步骤",
    "conclude": "化解结果",
    "reopen": "重新启动化解",
    "campaign": "纳入专项攻坚",
    "mark": "挂图作战",
    "unmark": "取消挂图",
    "unmask": "查看当事人完整信息",
}


class DisputeEvent(models.Model):
    """The dispute's timeline: one row per action, written in the service's transaction."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events", verbose_name=_("矛盾纠纷"))
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
    action = models.CharField(_("动作"), max_length=30)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dispute", "at"], name="devent_dispute_at")]
        verbose_name = _("化解记录")
        verbose_name_plural = _("化解记录")

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.action}"


class GradeChange(models.Model):
    """Every change of a dispute's grade, with its reason (研判 history)."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="grade_changes", verbose_name=_("矛盾纠纷")
    )
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人账号")
    )
    from_grade = models.ForeignKey(
        RiskGrade, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("原等级")
    )
    to_grade = models.ForeignKey(RiskGrade, on_delete=models.PROTECT, related_name="+", verbose_name=_("新等级"))
    reason = models.TextField(_("理由"))
    due_before = models.DateField(_("原期限"), null=True)
    due_after = models.DateField(_("新期限"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("等级变更")
        verbose_name_plural = _("等级变更")


class PlanStep(models.Model):
    """一案一策: one step of the plan, who does it and by when."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="steps", verbose_name=_("矛盾纠纷"))
    order = models.PositiveSmallIntegerField(_("序号"))
    description = models.CharField(_("措施"), max_length=300)
    owner_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    owner_person = models.CharField(_("责任人"), max_length=50, blank=True)
    due_date = models.DateField(_("完成时限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.CharField(_("完成情况"), max_length=300, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("化解步骤")
        verbose_name_plural = _("化解步骤")


from .campaign_models import AreaMap, Campaign, CampaignMember  # noqa: E402
from .leader_models import DownVisit, ReceptionDay, ReceptionVisit  # noqa: E402

__all__ = [
    "AreaMap",
    "Campaign",
    "CampaignMember",
    "Dispute",
    "DisputeEvent",
    "DisputeParty",
    "DisputePetition",
    "DownVisit",
    "GradeChange",
    "PlanStep",
    "ReceptionDay",
    "ReceptionVisit",
    "RiskGrade",
]
