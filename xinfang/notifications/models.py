"""Messages to people (SMS, e-mail, in-system), the templates they are written from, each staff member's
channel choices, and the log backend's receipts.

A message row is the unit of delivery: one event, one person, one channel. Its `key` is unique and made
from the event and the person, so the same event never reaches the same person twice on a channel, however
often the sender is retried or restarted. Addresses are kept sealed (core.crypto) and masked; the clear
number or mailbox is decrypted only at the moment of sending.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("邮件")
    INBOX = "inbox", _("站内消息")


class State(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("发送失败待重试")
    GIVEN_UP = "given_up", _("已放弃")


class MessageTemplate(models.Model):
    """The text of one event on one channel, in Chinese, editable by an administrator. `subject` and
    `body` take `{placeholders}` (see `variables`); an SMS provider only sends pre-approved templates, so
    `provider_codes` maps this template to the provider's approved one and `provider_params` names the
    variables, in order, that the approved template expects."""

    event = models.CharField(_("事件"), max_length=40)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("正文"))
    max_chars = models.PositiveSmallIntegerField(
        _("短信最多字数"), default=0, help_text=_("0：按系统设置（XINFANG_SMS_MAX_CHARS）")
    )
    provider_codes = models.JSONField(
        _("服务商模板编号"), default=dict, blank=True, help_text=_('如 {"aliyun": "SMS_123456", "tencent": "1234567"}')
    )
    provider_params = models.JSONField(
        _("服务商模板变量"),
        default=list,
        blank=True,
        help_text=_('审核通过的模板所需变量，依次，如 ["number", "link"]'),
    )
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["event", "channel"]
        verbose_name = _("通知模板")
        verbose_name_plural = _("通知模板")
        constraints = [models.UniqueConstraint(fields=["event", "channel"], name="notif_template_event_channel")]

    def __str__(self) -> str:
        return f"{self.event} · {self.get_channel_display()}"


class Message(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    key = models.CharField(_("去重标识"), max_length=200, unique=True)
    event = models.CharField(_("事件"), max_length=40, db_index=True)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    urgent = models.BooleanField(_("紧急"), default=False)
    # Who: a staff user, or a person outside (the petitioner) known only by a sealed address.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("接收人"),
    )
    unit_id = models.BigIntegerField(_("接收单位"), null=True, blank=True, db_index=True)
    to_enc = models.TextField(_("地址（加密）"), blank=True, editable=False)
    to_hash = models.CharField(_("地址（检索摘要）"), max_length=64, blank=True, editable=False)
    to_masked = models.CharField(_("地址"), max_length=120, blank=True)
    # The case, by reference: notifications sits below petitions and holds no key into it.
    case_id = models.BigIntegerField(_("信访事项ID"), null=True, blank=True, db_index=True)
    case_number = models.CharField(_("信访件编号"), max_length=40, blank=True)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"), blank=True)
    # The full text when it carries a secret (a 查询码): shown nowhere, decrypted only to send.
    body_enc = models.TextField(_("内容（加密）"), blank=True, editable=False)
    params = models.JSONField(_("模板变量"), default=dict, blank=True)
    template_code = models.CharField(_("服务商模板"), max_length=60, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    not_before = models.DateTimeField(_("最早发送时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    provider = models.CharField(_("服务商"), max_length=20, blank=True)
    provider_id = models.CharField(_("服务商回执编号"), max_length=100, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [
            models.Index(fields=["state", "not_before"], name="notif_msg_due"),
            models.Index(fields=["user", "channel", "read_at"], name="notif_msg_inbox"),
            models.Index(fields=["to_hash", "sent_at"], name="notif_msg_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.to_masked} {self.event}"

    @property
    def event_label(self) -> str:
        from .events import Event

        return str(Event(self.event).label) if self.event in Event.values else self.event


class Preference(models.Model):
    """The channels a staff member wants besides the in-system inbox (always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("用户"),
    )
    email = models.BooleanField(_("邮件通知"), default=False)
    sms = models.BooleanField(_("短信通知（仅紧急事项）"), default=False)
    mobile_enc = models.TextField(_("手机号（加密）"), blank=True, editable=False)
    mobile_hash = models.CharField(_("手机号（检索摘要）"), max_length=64, blank=True, editable=False)
    mobile_masked = models.CharField(_("手机号"), max_length=24, blank=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return str(self.user)


class ProviderReceipt(models.Model):
    """What the `log` SMS backend "sent": one row per idempotency key, as a real provider keeps it, so a
    sender that died after sending and is run again finds its earlier send instead of sending again."""

    key = models.CharField(_("幂等键"), max_length=200, unique=True)
    provider_id = models.CharField(_("回执编号"), max_length=100)
    to_masked = models.CharField(_("地址"), max_length=120, blank=True)
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("模拟短信回执")
        verbose_name_plural = _("模拟短信回执")

    def __str__(self) -> str:
        return self.key
