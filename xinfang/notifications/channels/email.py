"""E-mail through Django's e-mail backends (SMTP in production, settings EMAIL_*)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from .base import LookupUnavailable, Outgoing, SendFailed, SendResult


class DjangoEmailBackend:
    name = "email"

    def send(self, out: Outgoing) -> SendResult:
        mail = EmailMessage(
            subject=out.subject or settings.XINFANG_SITE_NAME,
            body=out.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[out.to],
            # Lets a mail system that keeps Message-IDs drop a duplicate of a retried send.
            headers={"Message-ID": f"<{out.idempotency_key}@xinfang>"},
        )
        try:
            sent = mail.send(fail_silently=False)
        except Exception as exc:  # SMTPException, OSError …
            raise SendFailed(f"邮件发送失败：{exc}") from exc
        if not sent:
            raise SendFailed("邮件服务器未接受该邮件")
        return SendResult(self.name, out.idempotency_key)

    def lookup(self, out: Outgoing) -> SendResult | None:
        raise LookupUnavailable("邮件服务器不支持查询发送记录")
