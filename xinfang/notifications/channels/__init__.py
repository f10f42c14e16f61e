"""Channel backends behind one interface (base.Backend), chosen by settings."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Backend, LookupUnavailable, Outgoing, SendFailed, SendResult

SMS_BACKENDS = {
    "log": "xinfang.notifications.channels.sms.LogSmsBackend",
    "aliyun": "xinfang.notifications.channels.sms.AliyunSmsBackend",
    "tencent": "xinfang.notifications.channels.sms.TencentSmsBackend",
}


def backend_for(channel: str) -> Backend:
    if channel == "sms":
        name = settings.XINFANG_SMS_BACKEND
        backend: Backend = import_string(SMS_BACKENDS.get(name, name))()
        return backend
    if channel == "email":
        from .email import DjangoEmailBackend

        return DjangoEmailBackend()
    raise ValueError(f"channel {channel!r} has no sending backend")


__all__ = ["Backend", "LookupUnavailable", "Outgoing", "SendFailed", "SendResult", "backend_for"]
