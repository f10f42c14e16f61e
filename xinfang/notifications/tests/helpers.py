"""A message to a person outside (a petitioner) without the petitions app: sealed phone, one event."""

from __future__ import annotations

from xinfang.core import crypto
from xinfang.notifications.models import Message
from xinfang.notifications.services import Notice, Recipient, notify_event


def person(phone: str = "13812345678") -> Recipient:
    return Recipient.person(
        phone_enc=crypto.encrypt(phone),
        phone_hash=crypto.blind_index(phone, purpose="phone"),
        phone_masked=crypto.mask_phone(phone),
    )


def send_sms(
    *,
    key: str = "case:1:ev:1",
    event: str = "accepted",
    urgent: bool | None = None,
    phone: str = "13812345678",
    text: str = "已受理您的信访事项。",
) -> Message:
    created = notify_event(
        notice=Notice(
            event=event,
            key=key,
            context={"text": text, "link": "https://xf.example.cn/portal/lookup/?number=N1"},
            case_id=1,
            case_number="411621-2026-000001",
            urgent=urgent,
        ),
        recipients=[person(phone)],
    )
    assert len(created) == 1
    return Message.objects.get(pk=created[0].pk)


__all__ = ["Notice", "notify_event", "person", "send_sms"]
