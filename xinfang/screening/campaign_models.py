"""专项攻坚 (campaigns), their 指挥部, and the jurisdiction maps an office uploads for the 作战示意图."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import Area, Unit
from xinfang.core.models import BaseModel


class Campaign(BaseModel):
    """A time-boxed campaign (e.g. 四大攻坚: 控制增量、减少存量) over an area, with 化解率 targets."""

    name = models.CharField(_("攻坚名称"), max_length=100)
    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头单位"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("攻坚范围"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("工作要求"), blank=True)
    target_first = models.DecimalField(
        _("初信初访化解率目标（%）"), max_digits=5, decimal_places=2, default=Decimal(90)
    )
    target_repeat = models.DecimalField(
        _("重信重访化解率目标（%）"), max_digits=5, decimal_places=2, default=Decimal(80)
    )
    target_old = models.DecimalField(_("历史积案化解率目标（%）"), max_digits=5, decimal_places=2, default=Decimal(70))
    units = models.ManyToManyField(Unit, related_name="campaigns", blank=True, verbose_name=_("参战单位"))
    petitions = models.ManyToManyField(
        "petitions.Petition", related_name="campaigns", blank=True, verbose_name=_("纳入攻坚的信访事项")
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("专项攻坚")
        verbose_name_plural = _("专项攻坚")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_period"),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignMember(models.Model):
    """指挥部: 总指挥, 副总指挥, members; and the working groups (专班) with their leads."""

    class Role(models.TextChoices):
        COMMANDER = "commander", _("总指挥")
        DEPUTY = "deputy", _("副总指挥")
        MEMBER = "member", _("指挥部成员")
        GROUP_LEAD = "group_lead", _("工作组组长")
        GROUP_MEMBER = "group_member", _("工作组成员")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members", verbose_name=_("专项攻坚"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("人员")
    )
    role = models.CharField(_("职务"), max_length=20, choices=Role.choices)
    group = models.CharField(_("工作组"), max_length=50, blank=True, help_text=_("如“信访积案化解组”"))

    class Meta:
        ordering = ["campaign", "role", "group", "id"]
        verbose_name = _("指挥部成员")
        verbose_name_plural = _("指挥部成员")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user", "role", "group"], name="uniq_campaign_member")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.user}"


class AreaMap(BaseModel):
    """An office's own jurisdiction GeoJSON (township boundaries from its 自然资源局 or 天地图).

    Nothing is shipped: a map shown to the public needs 审图 approval; the 作战示意图 is internal. Each
    feature carries the township's 区划代码 in its properties (`code` or `adcode`)."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="+", verbose_name=_("区划"))
    geojson = models.JSONField(_("边界数据（GeoJSON）"))
    feature_count = models.PositiveIntegerField(_("图斑数"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )

    class Meta:
        verbose_name = _("辖区地图")
        verbose_name_plural = _("辖区地图")

    def __str__(self) -> str:
        return f"{self.area}（{self.feature_count}个图斑）"
