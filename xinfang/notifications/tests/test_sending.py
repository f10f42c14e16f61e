"""Sending: retries, a worker killed mid-send, quiet hours, the per-number rate, long texts."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from xinfang.notifications import sending
from xinfang.notifications.channels.base import LookupUnavailable, Outgoing, SendFailed, SendResult
from xinfang.notifications.channels.sms import LogSmsBackend
from xinfang.notifications.models import Message, ProviderReceipt
from xinfang.notifications.rendering import cut_sms

from .conftest import log_lines
from .helpers import send_sms

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY = dt.datetime(2026, 9, 1, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def daytime(time_machine):
    time_machine.move_to(DAY, tick=False)


class FlakySms(LogSmsBackend):
    """The provider fails the first `fails` calls, then works (the log backend's receipts)."""

    name = "flaky"
    calls = 0
    fails = 1

    def send(self, out: Outgoing) -> SendResult:
        type(self).calls += 1
        if type(self).calls <= type(self).fails:
            raise SendFailed("网络超时")
        return super().send(out)


class NoLookupSms(LogSmsBackend):
    """A provider that cannot say whether an earlier send arrived (腾讯云's position)."""

    name = "nolookup"

    def lookup(self, out: Outgoing) -> SendResult | None:
        raise LookupUnavailable("该服务商不支持查询")


@pytest.fixture
def flaky(settings):
    FlakySms.calls, FlakySms.fails = 0, 1
    settings.XINFANG_SMS_BACKEND = f"{__name__}.FlakySms"
    return FlakySms


def test_sms_goes_out_once_through_the_log_backend(sms_log, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(DAY, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        m = send_sms()
    m.refresh_from_db()
    assert (m.state, m.attempts, m.provider) == ("sent", 1, "log")
    assert m.provider_id.startswith("log-") and m.to_masked == "138****5678"
    assert "13812345678" not in m.to_enc and "13812345678" not in m.body
    [line] = log_lines(sms_log)
    assert json.loads(line)["to"] == "138****5678" and "已受理" in json.loads(line)["text"]


def test_a_retry_after_a_failed_provider_call_sends_once(
    flaky, sms_log, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(DAY, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        m = send_sms()
    m.refresh_from_db()
    assert (m.state, m.attempts, m.last_error) == ("failed", 1, "网络超时")
    assert m.not_before == DAY + dt.timedelta(seconds=60)  # backoff
    assert sending.run_due(now=DAY + dt.timedelta(seconds=30)) == {}  # not yet due
    assert sending.run_due(now=DAY + dt.timedelta(seconds=61)) == {"sent": 1}
    assert sending.run_due(now=DAY + dt.timedelta(hours=1)) == {}
    m.refresh_from_db()
    assert (m.state, m.attempts) == ("sent", 2)
    assert len(log_lines(sms_log)) == 1 and ProviderReceipt.objects.count() == 1
    assert flaky.calls == 2


def test_backoff_doubles_and_then_gives_up(flaky, settings, time_machine):
    flaky.fails = 99
    settings.XINFANG_NOTIFY_MAX_ATTEMPTS = 3
    time_machine.move_to(DAY, tick=False)
    m = send_sms()
    now = DAY
    for expected in ("failed", "failed", "given_up"):
        assert sending.message_send(message_id=m.pk, now=now) == expected
        m.refresh_from_db()
        now = m.not_before or now
    assert (m.state, m.attempts) == ("given_up", 3)
    assert sending.run_due(now=now + dt.timedelta(days=1)) == {}


def test_a_permanent_refusal_is_given_up_at_once(monkeypatch):
    class Refuses(LogSmsBackend):
        def send(self, out: Outgoing) -> SendResult:
            raise SendFailed("号码无效", permanent=True)

    m = send_sms()
    monkeypatch.setattr(sending, "backend_for", lambda channel: Refuses())
    assert sending.message_send(message_id=m.pk, now=DAY) == "given_up"
    m.refresh_from_db()
    assert m.attempts == 1 and m.last_error == "号码无效"


class Killed(BaseException):
    """The worker process dies (SIGKILL) after the provider accepted the message."""


def test_a_worker_killed_between_send_and_record_does_not_send_twice(sms_log, settings, monkeypatch):
    m = send_sms()

    def die(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(sending, "_record", die)
    with pytest.raises(Killed):
        sending.message_send(message_id=m.pk, now=DAY)
    monkeypatch.undo()
    m.refresh_from_db()
    assert m.state == "sending" and len(log_lines(sms_log)) == 1
    # Another worker while the first might still be at it: leaves it alone.
    assert sending.run_due(now=DAY + dt.timedelta(seconds=10)) == {}
    # After the lease: the provider is asked, finds the earlier send by our key, nothing is sent again.
    assert sending.run_due(now=DAY + dt.timedelta(seconds=settings.XINFANG_NOTIFY_LEASE_SECONDS + 1)) == {"sent": 1}
    m.refresh_from_db()
    assert m.state == "sent" and m.provider_id == ProviderReceipt.objects.get().provider_id
    assert len(log_lines(sms_log)) == 1 and ProviderReceipt.objects.count() == 1


def test_killed_with_a_provider_that_cannot_tell_is_given_up_not_resent(sms_log, settings, monkeypatch):
    settings.XINFANG_SMS_BACKEND = f"{__name__}.NoLookupSms"
    m = send_sms()
    monkeypatch.setattr(sending, "_record", lambda *a, **k: (_ for _ in ()).throw(Killed()))
    with pytest.raises(Killed):
        sending.message_send(message_id=m.pk, now=DAY)
    monkeypatch.undo()
    later = DAY + dt.timedelta(hours=1)
    assert sending.run_due(now=later) == {"given_up": 1}
    m.refresh_from_db()
    assert m.state == "given_up" and "人工核实" in m.last_error
    assert len(log_lines(sms_log)) == 1


def test_quiet_hours_delay_a_routine_sms_not_an_urgent_one(sms_log, time_machine, django_capture_on_commit_callbacks):
    night = dt.datetime(2026, 9, 1, 22, 30, tzinfo=SH)
    time_machine.move_to(night, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        routine = send_sms(key="k:routine")
        urgent = send_sms(key="k:urgent", event="deadline_overdue", phone="13900001111")
    routine.refresh_from_db()
    urgent.refresh_from_db()
    assert urgent.state == "sent"
    assert routine.state == "queued" and routine.not_before == dt.datetime(2026, 9, 2, 8, 0, tzinfo=SH)
    assert sending.run_due(now=dt.datetime(2026, 9, 2, 7, 59, tzinfo=SH)) == {}
    assert sending.run_due(now=dt.datetime(2026, 9, 2, 8, 0, tzinfo=SH)) == {"sent": 1}
    assert len(log_lines(sms_log)) == 2


def test_quiet_hours_can_be_configured_off(settings, time_machine, django_capture_on_commit_callbacks):
    settings.XINFANG_SMS_QUIET_HOURS = "off"
    time_machine.move_to(dt.datetime(2026, 9, 1, 23, 0, tzinfo=SH), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        m = send_sms()
    m.refresh_from_db()
    assert m.state == "sent"


def test_per_number_rate_limit_holds_the_next_sms(settings, time_machine, django_capture_on_commit_callbacks):
    settings.XINFANG_SMS_RATE = "2/hour"
    time_machine.move_to(DAY, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        msgs = [send_sms(key=f"k:{i}") for i in range(3)]
    states = [Message.objects.get(pk=m.pk).state for m in msgs]
    assert states == ["sent", "sent", "queued"]
    held = Message.objects.get(pk=msgs[2].pk)
    assert held.not_before == DAY + dt.timedelta(hours=1)
    assert sending.run_due(now=DAY + dt.timedelta(hours=1, seconds=1)) == {"sent": 1}


def test_the_same_event_reaches_the_same_person_once():
    first = send_sms(key="case:9:ev:3")
    from .helpers import Notice, notify_event, person

    again = notify_event(
        notice=Notice(event="accepted", key="case:9:ev:3", context={"text": "x"}), recipients=[person()]
    )
    assert again == [] and Message.objects.filter(key=first.key).count() == 1


def test_long_sms_is_cut_at_a_character_boundary_with_the_link():
    link = "https://xf.example.cn/portal/lookup/?number=411621-2026-000001"
    text = "【信访】" + "您的信访事项已经受理并将依法办理" * 10 + " 详见" + link
    cut = cut_sms(text, limit=120, link=link)
    assert len(cut) == 120 and cut.endswith("…详见" + link)
    assert cut.startswith("【信访】您的信访事项")
    assert cut_sms("短文本", limit=120, link=link) == "短文本"


def test_a_long_notice_is_cut_in_the_message(settings, django_capture_on_commit_callbacks, sms_log):
    settings.XINFANG_SMS_MAX_CHARS = 80
    with django_capture_on_commit_callbacks(execute=True):
        m = send_sms(text="受理告知：" + "甲" * 200)
    m.refresh_from_db()
    assert len(m.body) == 80 and m.body.endswith("详见https://xf.example.cn/portal/lookup/?number=N1")
    assert json.loads(log_lines(sms_log)[0])["text"] == m.body


def test_a_notice_to_several_people_skips_only_the_one_already_reached():
    first = send_sms(key="case:9:ev:4")
    from .helpers import Notice, notify_event, person

    again = notify_event(
        notice=Notice(event="accepted", key="case:9:ev:4", context={"text": "x"}),
        recipients=[person(), person("13900001111")],
    )
    assert [m.to_masked for m in again] == ["139****1111"]
    assert Message.objects.filter(key__startswith="case:9:ev:4").count() == 2
    assert Message.objects.filter(pk=first.pk).count() == 1
