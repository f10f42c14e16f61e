"""The notification interface. Services call `notify()`; it stores an in-app notification and hands
the message to the configured senders after commit. A dedupe key makes a warning go out once only."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from .models import Notification

log = logging.getLogger("xinfang.notify")


def notify(
    *,
    kind: str,
    subject: str,
    body: str = "",
    unit_id: int | None = None,
    user_id: int | None = None,
    petition_id: int | None = None,
    dedupe_key: str | None = None,
    channel: str = Notification.Channel.INAPP,
) -> Notification | None:
    """Returns the new notification, or None when `dedupe_key` was already used (sent before)."""
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                kind=kind,
                subject=subject[:200],
                body=body,
                unit_id_target=unit_id,
                user_id_target=user_id,
                petition_id_ref=petition_id,
                dedupe_key=dedupe_key,
                channel=channel,
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: log.info("notification %s: %s", note.kind, note.subject))
    return note
