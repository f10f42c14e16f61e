"""The notification service: an event becomes messages to the people concerned, through their channels.

`notify_event()` (one notice) and `notify_events()` (several, in one INSERT) are called inside the caller's
transaction: the messages are written with the change that caused them (or not at all), and so is their
sending task where the task queue is this database's (`tasks.send_with_transaction`). Each message's key is
the event's key plus the person plus the channel, unique in the table: the same event reaches the same
person once per channel, whoever calls again (a retried request, the sweep running twice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.accounts.models import ACCESS, Membership, User
from xinfang.core import crypto, versioned
from xinfang.core.audit import audit_record

from . import rendering
from .events import DEFAULTS, URGENT_EVENTS, DefaultTemplate
from .models import Channel, Message, MessageTemplate, Preference, State
from .rendering import sms_not_before
from .tasks import send_with_transaction


@dataclass(frozen=True)
class Recipient:
    """Who should hear: a staff user, the members of a unit (with one of `roles`; all when empty), or a
    person outside known by sealed addresses (the petitioner)."""

    kind: str  # user | unit | person
    user_id: int | None = None
    unit_id: int | None = None
    roles: tuple[str, ...] = ()
    phone_enc: str = ""
    phone_hash: str = ""
    phone_masked: str = ""
    email_enc: str = ""
    email_masked: str = ""

    @classmethod
    def user(cls, user_id: int) -> Recipient:
        return cls("user", user_id=user_id)

    @classmethod
    def unit(cls, unit_id: int | None, *roles: str) -> Recipient:
        return cls("unit", unit_id=unit_id, roles=tuple(roles))

    @classmethod
    def person(
        cls,
        *,
        phone_enc: str = "",
        phone_hash: str = "",
        phone_masked: str = "",
        email_enc: str = "",
        email_masked: str = "",
    ) -> Recipient:
        return cls(
            "person",
            phone_enc=phone_enc,
            phone_hash=phone_hash,
            phone_masked=phone_masked,
            email_enc=email_enc,
            email_masked=email_masked,
        )


@dataclass
class _Target:
    channel: str
    rkey: str
    user: User | None = None
    unit_id: int | None = None
    to_enc: str = ""
    to_hash: str = ""
    to_masked: str = ""
    staff: bool = True


@dataclass
class Notice:
    """What the caller knows about the event: values for the templates, secrets (sealed in the row,
    masked in what is shown), names that must not reach staff (confidential petitioners)."""

    event: str
    key: str
    context: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    hide_from_staff: tuple[str, ...] = ()
    case_id: int | None = None
    case_number: str = ""
    urgent: bool | None = None


TEMPLATES = "notify_templates"  # versioned token: renewed whenever an administrator edits a template


def _template(event: str, channel: str) -> MessageTemplate | DefaultTemplate | None:
    row = versioned.cached(
        TEMPLATES, f"{event}:{channel}", lambda: MessageTemplate.objects.filter(event=event, channel=channel).first()
    )
    if row is not None:
        return row if row.active else None
    return DEFAULTS.get((event, channel))


def _users_of(recipient: Recipient) -> list[User]:
    if recipient.kind == "user":
        if recipient.user_id is None:
            return []
        return list(User.objects.filter(pk=recipient.user_id, is_active=True))
    unit_id = recipient.unit_id
    if unit_id is None:
        return []

    def load() -> tuple[User, ...]:
        posts = Membership.objects.filter(unit_id=unit_id).order_by("user_id").values_list("user_id", "role")
        ids = sorted({uid for uid, role in posts if not recipient.roles or role in recipient.roles})
        if not ids:
            return ()
        return tuple(User.objects.filter(pk__in=ids, is_active=True).select_related("notification_preference"))

    # A unit's people with their channels, from the worker's memory while the "access" token is unchanged:
    # a post, a user (deactivated, renamed, a new address) or a notification preference saved renews it
    # (accounts.apps, notifications.apps). Shared instances: read, never changed (a message only points
    # at its user).
    roles = ",".join(sorted(recipient.roles))
    return list(versioned.cached(ACCESS, f"unit-recipients:{unit_id}:{roles}", load))


def _targets(recipient: Recipient, *, urgent: bool) -> list[_Target]:
    if recipient.kind == "person":
        out = []
        if recipient.phone_enc:
            out.append(
                _Target(
                    "sms",
                    f"p{recipient.phone_hash[:16]}",
                    to_enc=recipient.phone_enc,
                    to_hash=recipient.phone_hash,
                    to_masked=recipient.phone_masked,
                    staff=False,
                )
            )
        if recipient.email_enc:
            out.append(
                _Target(
                    "email",
                    "pe" + crypto.blind_index(crypto.decrypt(recipient.email_enc), purpose="email")[:16],
                    to_enc=recipient.email_enc,
                    to_masked=recipient.email_masked,
                    staff=False,
                )
            )
        return out
    users = _users_of(recipient)
    if not users:
        # Nobody holds the post: keep the notice on the unit, visible on the outbox page.
        return [_Target("inbox", f"n{recipient.unit_id}", unit_id=recipient.unit_id)] if recipient.unit_id else []
    out = []
    for user in users:
        out.append(_Target("inbox", f"u{user.pk}", user=user, unit_id=recipient.unit_id))
        pref: Preference | None = getattr(user, "notification_preference", None)
        if pref and pref.email and user.email:
            out.append(
                _Target(
                    "email",
                    f"u{user.pk}",
                    user=user,
                    unit_id=recipient.unit_id,
                    to_enc=crypto.encrypt(user.email),
                    to_masked=mask_email(user.email),
                )
            )
        if pref and pref.sms and urgent and pref.mobile_enc:
            out.append(
                _Target(
                    "sms",
                    f"u{user.pk}",
                    user=user,
                    unit_id=recipient.unit_id,
                    to_enc=pref.mobile_enc,
                    to_hash=pref.mobile_hash,
                    to_masked=pref.mobile_masked,
                )
            )
    return out


def mask_email(value: str) -> str:
    name, _, domain = (value or "").partition("@")
    if not domain:
        return crypto.mask_name(value)
    return f"{name[:1]}***@{domain}"


def _scrub(text: str, names: Iterable[str]) -> str:
    for name in names:
        if name:
            text = text.replace(name, crypto.mask_name(name))
    return text


def _render(
    tpl: MessageTemplate | DefaultTemplate, target: _Target, notice: Notice
) -> tuple[str, str, str, dict[str, str]]:
    """(subject, shown body, full body when it differs, provider params)."""
    values = {"site": settings.XINFANG_SITE_NAME, "number": notice.case_number, **notice.context}
    shown_values = {**values, **{k: "*" * len(v) for k, v in notice.secrets.items()}}
    full_values = {**values, **notice.secrets}
    if notice.secrets.get("query_code") and not target.staff:
        line = "查询码{query_code}，请妥善保管。"
        shown_values["query_code_line"] = rendering.fill(line, shown_values)
        full_values["query_code_line"] = rendering.fill(line, full_values)
    subject = rendering.fill(tpl.subject, shown_values)[:200]
    shown, full = rendering.fill(tpl.body, shown_values), rendering.fill(tpl.body, full_values)
    if target.staff:  # nothing that names a confidential petitioner reaches a unit
        subject, shown, full = (_scrub(t, notice.hide_from_staff) for t in (subject, shown, full))
    if target.channel == "sms":
        limit = (getattr(tpl, "max_chars", 0) or 0) or settings.XINFANG_SMS_MAX_CHARS
        over = len(full) - limit
        text = str(values.get("text", ""))
        if over > 0 and text:
            # Shorten the notice itself, so that the number, the 查询码 and the portal link stay whole.
            short = text[: max(len(text) - over - 1, 0)] + "…"
            shown = rendering.fill(tpl.body, {**shown_values, "text": short})
            full = rendering.fill(tpl.body, {**full_values, "text": short})
        link = values.get("link", "")
        shown, full = rendering.cut_sms(shown, limit=limit, link=link), rendering.cut_sms(full, limit=limit, link=link)
    names = list(getattr(tpl, "provider_params", None) or getattr(tpl, "params", ()) or [])
    params = {n: str(shown_values.get(n, "")) for n in names if n not in notice.secrets}
    return subject, shown, (full if full != shown else ""), params


NoticeItem = tuple[Notice, Sequence[Recipient]]  # one notice and the people it is for


def notify_event(*, notice: Notice, recipients: Sequence[Recipient]) -> list[Message]:
    """Write one message per person and channel for `notice` (skipping those already written for its
    key) and queue the sending after commit. Returns the new messages. (`notify_events` with one item.)"""
    return notify_events(items=[(notice, recipients)])


def notify_events(*, items: Sequence[NoticeItem], new_keys: bool = False) -> list[Message]:
    """The messages of several notices (one event's word to the petitioner and to a unit, say), written in
    one INSERT and queued for sending after commit. Returns the new messages, in the order of `items`.

    A message whose key was written before is skipped (the same event reaches a person once per channel):
    the INSERT runs in a savepoint, and where a key exists the rows are inserted one by one, each in its own.

    `new_keys=True` says that no key can exist yet, so the savepoint and the fallback are left out. Pass it
    only where every notice's key names a row this transaction has just inserted and that no message could
    name before: the timeline event of a case registered now (`case:{pk}:ev:{event.pk}`). Such a key was
    never written: primary keys are not reused (PostgreSQL sequences, SQLite AUTOINCREMENT for Django's
    auto fields), and no other transaction can see the event before this one commits. Two notices of the
    batch that reach the same person on the same channel under the same key still give one message (the
    first). Were a key to exist all the same, the INSERT fails with IntegrityError and the caller's whole
    transaction is rolled back: loud, never a duplicate message.
    """
    now = timezone.now()
    pending: list[Message] = []
    seen: set[str] = set()
    for notice, recipients in items:
        pending.extend(_messages(notice, recipients, now=now, seen=seen))
    if not pending:
        return []
    created = Message.objects.bulk_create(pending) if new_keys else _insert_new(pending)
    outgoing = [m for m in created if m.channel != Channel.INBOX]
    if outgoing:
        send_with_transaction(outgoing)
    return created


def _messages(notice: Notice, recipients: Sequence[Recipient], *, now: dt.datetime, seen: set[str]) -> list[Message]:
    """The unsaved messages of one notice; `seen` holds the keys taken already (by this or earlier notices
    of the same call), which are skipped."""
    urgent = notice.urgent if notice.urgent is not None else notice.event in URGENT_EVENTS
    pending: list[Message] = []
    for recipient in recipients:
        for target in _targets(recipient, urgent=urgent):
            key = f"{notice.key}:{target.rkey}:{target.channel}"[:200]
            if key in seen:
                continue
            seen.add(key)
            tpl = _template(notice.event, target.channel)
            if tpl is None:
                continue
            subject, body, full, params = _render(tpl, target, notice)
            inbox = target.channel == Channel.INBOX
            message = Message(
                key=key,
                event=notice.event,
                channel=target.channel,
                urgent=urgent,
                user=target.user,
                unit_id=target.unit_id,
                to_enc=target.to_enc,
                to_hash=target.to_hash,
                to_masked=target.to_masked or (target.user.get_full_name() if target.user else ""),
                case_id=notice.case_id,
                case_number=notice.case_number,
                subject=subject or body[:200],
                body=body,
                body_enc=crypto.encrypt(full) if full else "",
                params=params,
                template_code="",
                state=State.DELIVERED if inbox else State.QUEUED,
                sent_at=now if inbox else None,
                delivered_at=now if inbox else None,
                provider="inbox" if inbox else "",
                not_before=sms_not_before(now, urgent=urgent) if target.channel == Channel.SMS else None,
            )
            if isinstance(tpl, MessageTemplate):
                message.template_code = ",".join(f"{k}:{v}" for k, v in sorted(tpl.provider_codes.items()))[:60]
            pending.append(message)
    return pending


def _insert_new(messages: list[Message]) -> list[Message]:
    """Insert the messages in one statement; where one of them was written before (its key exists: the
    same event already reached this person on this channel), insert them one by one, skipping those."""
    if not messages:
        return []
    try:
        with transaction.atomic():
            return Message.objects.bulk_create(messages)
    except IntegrityError:
        pass
    created = []
    for message in messages:
        message.pk = None
        try:
            with transaction.atomic():
                message.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(message)
    return created


def inbox_mark_read(*, user: Any, message_ids: Sequence[int] | None = None) -> int:
    """Mark the user's in-system messages read (all unread when `message_ids` is None)."""
    qs = Message.objects.filter(user=user, channel=Channel.INBOX, read_at__isnull=True)
    if message_ids is not None:
        qs = qs.filter(pk__in=list(message_ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user: Any, email: bool, sms: bool, mobile: str = "") -> Preference:
    """A staff member's channels. SMS needs a mobile number; it is sealed like petitioners' numbers."""
    from xinfang.core.errors import ValidationFailed

    mobile = (mobile or "").strip()
    pref, _ = Preference.objects.select_for_update().get_or_create(user=user)
    if mobile:
        if not (mobile.isdigit() and len(mobile) == 11 and mobile.startswith("1")):
            raise ValidationFailed("请填写11位手机号码", field="mobile")
        pref.mobile_enc = crypto.encrypt(mobile)
        pref.mobile_hash = crypto.blind_index(mobile, purpose="phone")
        pref.mobile_masked = crypto.mask_phone(mobile)
    if sms and not pref.mobile_enc:
        raise ValidationFailed("选择短信通知须填写手机号码", field="mobile")
    if email and not user.email:
        raise ValidationFailed("您的账号没有电子邮箱，请联系管理员填写后再选择邮件通知", field="email")
    pref.email, pref.sms = email, sms
    pref.save()
    audit_record(actor=user, action="notifications.preference", target=pref, data={"email": email, "sms": sms})
    return pref
