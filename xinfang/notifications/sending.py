"""Sending one message, safely: claim it, send it, record the result.

Claiming marks the row `sending` (and counts the attempt) in its own committed transaction before the
provider is called; the result is recorded after. A sender killed in between leaves the row `sending`:
after XINFANG_NOTIFY_LEASE_SECONDS the next run asks the provider whether the message went out (the log
backend and 阿里云 know it by our idempotency key) and records it, or — where the provider cannot tell —
gives it up for a person to check rather than risk sending it twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xinfang.core import crypto

from . import rendering
from .channels import LookupUnavailable, Outgoing, SendFailed, SendResult, backend_for
from .models import Channel, Message, MessageTemplate, State
from .rendering import sms_not_before

log = logging.getLogger("xinfang.notifications")

FINAL = (State.SENT, State.DELIVERED, State.GIVEN_UP)


def _outgoing(m: Message) -> Outgoing:
    codes: dict[str, str] = {}
    tpl = MessageTemplate.objects.filter(event=m.event, channel=m.channel).first()
    if tpl is not None:
        codes = {str(k): str(v) for k, v in (tpl.provider_codes or {}).items()}
    return Outgoing(
        key=m.key,
        to=crypto.decrypt(m.to_enc),
        to_masked=m.to_masked,
        subject=m.subject,
        text=crypto.decrypt(m.body_enc) if m.body_enc else m.body,
        params={str(k): str(v) for k, v in (m.params or {}).items()},
        template_codes=codes,
        urgent=m.urgent,
    )


def _rate_wait(m: Message, now: dt.datetime) -> dt.datetime | None:
    """When the per-number limits (XINFANG_SMS_RATE, e.g. "5/hour,10/day") allow the next SMS to this
    number, or None when they allow it now. Urgent messages count but are never held back."""
    if m.channel != Channel.SMS or not m.to_hash or m.urgent:
        return None
    wait: dt.datetime | None = None
    for count, seconds in rendering.parse_rates(settings.XINFANG_SMS_RATE):
        since = now - dt.timedelta(seconds=seconds)
        recent = list(
            Message.objects.filter(channel=Channel.SMS, to_hash=m.to_hash, sent_at__gt=since)
            .exclude(pk=m.pk)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)[:count]
        )
        if len(recent) >= count:
            oldest = recent[-1]
            assert oldest is not None  # filtered on sent_at
            free = oldest + dt.timedelta(seconds=seconds)
            wait = max(wait, free) if wait else free
    return wait


def _backoff(attempts: int) -> dt.timedelta:
    base = settings.XINFANG_NOTIFY_RETRY_SECONDS
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def _record(m: Message, result: SendResult, now: dt.datetime) -> None:
    Message.objects.filter(pk=m.pk, state=State.SENDING).update(
        state=State.DELIVERED if result.delivered else State.SENT,
        provider=result.provider,
        provider_id=result.provider_id[:100],
        sent_at=now,
        delivered_at=now if result.delivered else None,
        last_error="",
        updated_at=now,
    )


def _claim(message_id: int, now: dt.datetime) -> tuple[Message | None, str]:
    """Lock the row and decide: send now (the row is `sending`), already done, recovered, or wait."""
    with transaction.atomic():
        m = Message.objects.select_for_update().filter(pk=message_id).first()
        if m is None or m.channel == Channel.INBOX:
            return None, "absent"
        if m.state in FINAL:
            return None, m.state
        if m.state == State.SENDING:
            lease = dt.timedelta(seconds=settings.XINFANG_NOTIFY_LEASE_SECONDS)
            if m.claimed_at and m.claimed_at > now - lease:
                return None, "in_progress"
            return _recover(m, now)
        if m.not_before and m.not_before > now:
            return None, "waiting"
        later = None
        if m.channel == Channel.SMS and not m.urgent:
            later = sms_not_before(now, urgent=False)
        later = later or _rate_wait(m, now)
        if later:
            m.not_before = later
            m.save(update_fields=["not_before", "updated_at"])
            return None, "waiting"
        m.state, m.attempts, m.claimed_at = State.SENDING, m.attempts + 1, now
        m.save(update_fields=["state", "attempts", "claimed_at", "updated_at"])
        return m, "claimed"


def _recover(m: Message, now: dt.datetime) -> tuple[Message | None, str]:
    """A sender died after claiming `m` (we cannot know whether the provider got it)."""
    backend = backend_for(m.channel)
    try:
        found = backend.lookup(_outgoing(m))
    except LookupUnavailable as exc:
        m.state = State.GIVEN_UP
        m.last_error = f"发送结果不明（{exc}），为避免重复发送不再重试，请人工核实"
        m.save(update_fields=["state", "last_error", "updated_at"])
        return None, m.state
    if found is not None:
        _record(m, found, now)
        return None, State.SENT
    # The provider has no trace: it never got it. Send again (same key: a provider that dedupes keeps one).
    m.attempts, m.claimed_at = m.attempts + 1, now
    m.save(update_fields=["attempts", "claimed_at", "updated_at"])
    return m, "claimed"


def message_send(*, message_id: int, now: dt.datetime | None = None) -> str:
    """Send one queued message if it is due; returns what happened (its state, or waiting / in_progress)."""
    now = now or timezone.now()
    m, outcome = _claim(message_id, now)
    if m is None:
        return outcome
    backend = backend_for(m.channel)
    try:
        result = backend.send(_outgoing(m))
    except SendFailed as exc:
        give_up = exc.permanent or m.attempts >= settings.XINFANG_NOTIFY_MAX_ATTEMPTS
        retry_at = None if give_up else now + _backoff(m.attempts)
        Message.objects.filter(pk=m.pk, state=State.SENDING).update(
            state=State.GIVEN_UP if give_up else State.FAILED,
            last_error=exc.message[:2000],
            not_before=retry_at,
            provider=backend.name,
            updated_at=now,
        )
        log.warning("message %s attempt %s failed: %s", m.pk, m.attempts, exc.message)
        return State.GIVEN_UP if give_up else State.FAILED
    _record(m, result, timezone.now())
    return State.SENT


def due_messages(now: dt.datetime | None = None) -> list[int]:
    """Queued and failed messages that are due, and `sending` ones whose sender has gone silent."""
    now = now or timezone.now()
    lease = now - dt.timedelta(seconds=settings.XINFANG_NOTIFY_LEASE_SECONDS)
    qs = Message.objects.exclude(channel=Channel.INBOX).filter(
        (Q(state__in=[State.QUEUED, State.FAILED]) & (Q(not_before__isnull=True) | Q(not_before__lte=now)))
        | Q(state=State.SENDING, claimed_at__lt=lease)
    )
    return list(qs.order_by("id").values_list("id", flat=True)[:5000])


def run_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send everything that is due, in this process (the `outbox --run-due` command, the periodic task)."""
    stats: dict[str, int] = {}
    for message_id in due_messages(now):
        outcome = message_send(message_id=message_id, now=now)
        stats[outcome] = stats.get(outcome, 0) + 1
    return stats
