"""Credentials of machine clients, Open311 service configuration and idempotency records.

Tokens and keys are stored as SHA-256 digests only: the clear value is shown once when issued.
Each credential acts through its own service user holding posts (Membership rows) in one unit, so
the same access rules (petitions_visible_to, can_act, can_see_identity) apply as on the pages.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import ACCESS, Unit
from xinfang.core.versioned import VersionedQuerySet

CODE_VALIDATOR = RegexValidator(r"^[A-Za-z0-9_.-]+$", _("只能使用字母、数字、下划线、点和连字符"))


class Credential(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属单位"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("接口服务账号")
    )
    prefix = models.CharField(_("前缀"), max_length=16, editable=False, help_text=_("便于识别，不能用于认证"))
    digest = models.CharField(_("SHA-256 摘要"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    # Workers keep found credentials in memory (api.services.credential_lookup): every write renews the
    # "access" token, bulk ones too. Recording the last use goes through _base_manager and renews nothing.
    versioned_name = ACCESS
    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiToken(Credential):
    """`Authorization: Token <t>` for systems calling the REST API (12345 hotline, provincial systems)."""

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")


class Open311Key(Credential):
    """The Open311 `api_key`: POST /requests registers petitions at the bound 信访部门 unit."""

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")


class IdempotencyRecord(models.Model):
    """One row per (caller, Idempotency-Key). Inserted before the action runs (insert-first), so a
    concurrent retry hits the unique constraint and waits for the stored response instead of acting."""

    scope = models.CharField(_("调用方"), max_length=64)
    key = models.CharField(
        _("请求标识"),
        max_length=255,
        help_text=_("对接系统随请求发送的 Idempotency-Key；网络重试时带同一标识，系统返回第一次的结果，不会重复登记。"),
    )
    fingerprint = models.CharField(_("请求内容校验值"), max_length=64)
    method = models.CharField(_("请求方法"), max_length=10)
    path = models.CharField(_("请求路径"), max_length=400)
    status_code = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    body = models.JSONField(_("响应内容"), null=True, blank=True)
    created_at = models.DateTimeField(_("收到时间"), auto_now_add=True)
    locked_at = models.DateTimeField(_("开始处理时间"))
    completed_at = models.DateTimeField(_("处理完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口重复提交记录")
        verbose_name_plural = _("接口重复提交记录")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="uniq_idempotency_scope_key")]
        indexes = [models.Index(fields=["created_at"], name="idem_created")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class Open311Service(models.Model):
    """How a 内容分类 is published as an Open311 service. A category without a row is a realtime
    service without extra questions."""

    class Type(models.TextChoices):
        REALTIME = "realtime", _("realtime：立即返回编号")
        BATCH = "batch", _("batch：返回令牌，凭令牌换取编号")
        BLACKBOX = "blackbox", _("blackbox：不返回编号")

    category = models.OneToOneField(
        "routing.Category", on_delete=models.CASCADE, related_name="+", verbose_name=_("内容分类")
    )
    type = models.CharField(_("类型"), max_length=10, choices=Type.choices, default=Type.REALTIME)
    description = models.CharField(_("说明"), max_length=400, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("逗号分隔"))
    group = models.CharField(_("分组"), max_length=60, blank=True, help_text=_("留空则用上级分类名称"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("Open311 服务")
        verbose_name_plural = _("Open311 服务")

    def __str__(self) -> str:
        return str(self.category)


class Open311Attribute(models.Model):
    """A category-specific question (涉及金额, 涉及人数, 诉求类型 …) of the service definition."""

    class Datatype(models.TextChoices):
        STRING = "string", _("单行文本")
        NUMBER = "number", _("数字")
        DATETIME = "datetime", _("日期时间")
        TEXT = "text", _("多行文本")
        SINGLE = "singlevaluelist", _("单选")
        MULTI = "multivaluelist", _("多选")

    service = models.ForeignKey(
        Open311Service, on_delete=models.CASCADE, related_name="attributes", verbose_name=_("服务")
    )
    code = models.CharField(_("代码"), max_length=50, validators=[CODE_VALIDATOR])
    variable = models.BooleanField(_("需要填写"), default=True)
    datatype = models.CharField(_("类型"), max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("必填"), default=False)
    datatype_description = models.CharField(_("格式说明"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=1)
    description = models.CharField(_("问题"), max_length=400)
    values = models.JSONField(
        _("选项"), default=list, blank=True, help_text=_('单选/多选的选项：[{"key": "1", "name": "…"}, …]')
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("Open311 附加问题")
        verbose_name_plural = _("Open311 附加问题")
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="uniq_o311_attr_code"),
            models.UniqueConstraint(fields=["service", "order"], name="uniq_o311_attr_order"),
            models.CheckConstraint(condition=models.Q(order__gte=1), name="o311_attr_order_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    @property
    def is_list(self) -> bool:
        return self.datatype in (self.Datatype.SINGLE, self.Datatype.MULTI)

    def value_keys(self) -> dict[str, str]:
        return {str(v.get("key")): str(v.get("name", "")) for v in (self.values or []) if isinstance(v, dict)}


class Open311Submission(models.Model):
    """What an Open311 POST created, with the key that made it: the batch token, the location and the
    attribute answers (kept here, never published through the GET methods)."""

    key = models.ForeignKey(
        Open311Key, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("Open311 密钥")
    )
    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.PROTECT, related_name="+", verbose_name=_("信访事项")
    )
    token = models.CharField(_("回执编号"), max_length=40, unique=True)
    service_type = models.CharField(_("服务类型"), max_length=10)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    long = models.FloatField(_("经度"), null=True, blank=True)
    address_string = models.CharField(_("地址"), max_length=400, blank=True)
    address_id = models.CharField(_("地址编号"), max_length=100, blank=True)
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)
    attributes = models.JSONField(_("附加问题的回答"), default=dict, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 提交记录")
        verbose_name_plural = _("Open311 提交记录")

    def __str__(self) -> str:
        return self.token
