"""Who hears what: the petitioner by SMS, the units in their inbox; confidential names never reach a unit."""

from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from xinfang.notifications.models import Message, ProviderReceipt

from .factories import advance, register

pytestmark = pytest.mark.django_db
DAY = dt.datetime(2026, 9, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def daytime(time_machine, settings, tmp_path):
    time_machine.move_to(DAY, tick=False)
    settings.XINFANG_SMS_BACKEND = "log"
    settings.XINFANG_SMS_LOG_FILE = tmp_path / "sms.log"


def test_a_registration_sends_one_sms_and_one_inbox_message(personas, django_capture_on_commit_callbacks, tmp_path):
    with django_capture_on_commit_callbacks(execute=True):
        reg = register(personas.clerk)
    p = reg.petition
    sms = Message.objects.get(channel="sms")
    inbox = Message.objects.get(channel="inbox")
    assert Message.objects.count() == 2
    assert (sms.event, sms.state, sms.to_masked, sms.case_number) == ("registered", "sent", "138****5678", p.number)
    assert p.number in sms.body and "https://xf.example.cn/portal/lookup/?number=" in sms.body
    assert "查询码" not in sms.body  # not asked for by SMS
    assert inbox.user == personas.dispatcher and inbox.event == "new_case" and inbox.read_at is None
    assert ProviderReceipt.objects.count() == 1
    assert len((tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()) == 1


def test_the_query_code_goes_by_sms_only_when_asked_and_is_sealed(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True):
        reg = register(personas.clerk, send_query_code=True)
    sms = Message.objects.get(channel="sms")
    assert reg.query_code not in sms.body and "查询码****" in sms.body  # shown masked
    assert sms.body.endswith(f"查询办理情况：https://xf.example.cn/portal/lookup/?number={reg.petition.number}")
    from xinfang.petitions.services import format_query_code

    assert format_query_code(reg.query_code) in (tmp_path / "sms.log").read_text(encoding="utf-8")  # in full
    assert reg.query_code not in sms.body_enc


def test_the_petitioner_hears_each_step_and_units_their_work(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        p = register(personas.clerk).petition
        advance(p, "replied", personas=personas)
    events = list(Message.objects.filter(channel="sms").order_by("id").values_list("event", flat=True))
    assert events == ["registered", "dispatched_petitioner", "accepted", "replied"]
    assert Message.objects.filter(channel="sms", state="sent").count() == 4
    staff = {(m.event, m.user.username) for m in Message.objects.filter(channel="inbox") if m.user}
    assert ("dispatched", "handler") in staff and ("dispatched", "head") in staff
    assert ("reply_pending", "head") in staff and ("reply_pending", "handler") not in staff
    replied = Message.objects.get(event="replied")
    assert "评价" in replied.body and p.number in replied.body


def test_a_unit_never_receives_a_confidential_petitioners_name(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        p = register(personas.clerk, confidential=True, title="王大爷反映建设街窨井盖破损").petition
        advance(p, "reply_pending", personas=personas)
    unit_msgs = Message.objects.filter(user__in=[personas.handler, personas.head])
    assert unit_msgs.count() >= 3
    for m in unit_msgs:
        assert "王大爷" not in m.subject + m.body, m.event
    assert any("王**" in m.subject for m in unit_msgs)


def test_a_refused_step_sends_nothing(personas, django_capture_on_commit_callbacks):
    from xinfang.core.errors import DomainError
    from xinfang.petitions import services

    p = register(personas.clerk).petition
    before = Message.objects.count()
    with pytest.raises(DomainError):
        services.petition_accept(actor=personas.handler, petition_id=p.pk)  # not dispatched yet
    assert Message.objects.count() == before


def test_deadline_warnings_reach_the_unit_once_per_threshold(personas, time_machine):
    from xinfang.petitions.deadlines.sweep import deadlines_sweep

    p = register(personas.clerk).petition
    advance(p, "dispatched", personas=personas)
    time_machine.move_to(DAY + dt.timedelta(days=14), tick=False)
    deadlines_sweep()
    deadlines_sweep()
    soon = Message.objects.filter(event="deadline_soon", channel="inbox")
    assert {m.user.username for m in soon if m.user} == {"handler", "head"}
    assert soon.count() == 2


def test_outbox_command_runs_what_is_due_and_lists_masked(personas, time_machine):
    night = dt.datetime(2026, 9, 1, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    time_machine.move_to(night, tick=False)
    p = register(personas.clerk).petition  # no on_commit here: as if no worker ran
    time_machine.move_to(night + dt.timedelta(hours=10), tick=False)
    out = io.StringIO()
    call_command("outbox", "--json", "--run-due", stdout=out)
    rows = json.loads(out.getvalue())
    sms = next(r for r in rows if r["channel"] == "sms")
    assert sms == {**sms, "to": "138****5678", "event": "registered", "case": p.number, "state": "sent", "attempts": 1}
    assert {r["channel"] for r in rows} == {"sms", "inbox"}
    assert rows == sorted(rows, key=lambda r: (r["created_at"], r["id"]), reverse=True)
    assert "13812345678" not in out.getvalue()


def test_a_registration_writes_the_petitioners_sms_and_each_dispatchers_rows(
    personas, django_capture_on_commit_callbacks
):
    from xinfang.accounts.models import Role
    from xinfang.accounts.tests.factories import make_user
    from xinfang.core import crypto
    from xinfang.notifications.services import preference_set
    from xinfang.petitions.models import Event

    second = make_user("dispatcher2", personas.org.county_office, Role.DISPATCHER, full_name="分办员小赵")
    second.email = "zhao@example.cn"
    second.save()
    preference_set(user=second, email=True, sms=False)
    with django_capture_on_commit_callbacks(execute=True):
        p = register(personas.clerk).petition
    event = Event.objects.get(petition=p)
    key = f"case:{p.pk}:ev:{event.pk}"
    rows = {m.key.removeprefix(key): m for m in Message.objects.all()}
    phone = crypto.blind_index("13812345678", purpose="phone")[:16]
    assert set(rows) == {
        f":p{phone}:sms",
        f":u{personas.dispatcher.pk}:inbox",
        f":u{second.pk}:inbox",
        f":u{second.pk}:email",
    }
    sms = rows[f":p{phone}:sms"]
    link = f"https://xf.example.cn/portal/lookup/?number={p.number}"
    assert (sms.event, sms.state, sms.to_masked) == ("registered", "sent", "138****5678")
    assert sms.body == f"【信访综合业务平台】{event.public_text}查询办理情况：{link}"
    for who in (personas.dispatcher, second):
        inbox = rows[f":u{who.pk}:inbox"]
        assert (inbox.event, inbox.user, inbox.state) == ("new_case", who, "delivered")
        assert (inbox.subject, inbox.body) == (f"新登记信访事项待分办：{p.number}", f"{p.number} {p.title}")
    mail = rows[f":u{second.pk}:email"]
    assert (mail.to_masked, crypto.decrypt(mail.to_enc), mail.state) == ("z***@example.cn", "zhao@example.cn", "sent")
    assert not Message.objects.filter(user=personas.clerk).exists()  # the office's dispatchers only


def test_a_confidential_registration_tells_the_office_without_the_name(personas):
    p = register(personas.clerk, confidential=True, title="王大爷反映建设街窨井盖破损").petition
    inbox = Message.objects.get(channel="inbox")
    assert "王大爷" not in inbox.subject + inbox.body and "王**反映" in inbox.body
    assert Message.objects.get(channel="sms").case_number == p.number


def test_the_next_registration_reaches_the_office_as_it_is_now(personas, django_capture_on_commit_callbacks):
    """The office's recipients are kept in memory between registrations; a new post, a deactivated
    account and a changed preference each count from the next registration on."""
    from xinfang.accounts.models import Role
    from xinfang.accounts.tests.factories import make_user
    from xinfang.notifications.services import preference_set

    first = register(personas.clerk).petition
    assert set(Message.objects.filter(case_id=first.pk, channel="inbox").values_list("user", flat=True)) == {
        personas.dispatcher.pk
    }
    newcomer = make_user("dispatcher3", personas.org.county_office, Role.DISPATCHER, full_name="分办员小钱")
    newcomer.email = "qian@example.cn"
    newcomer.save()
    preference_set(user=newcomer, email=True, sms=False)
    personas.dispatcher.is_active = False
    personas.dispatcher.save()
    with django_capture_on_commit_callbacks(execute=True):
        second = register(personas.clerk).petition
    staff = set(Message.objects.filter(case_id=second.pk).exclude(channel="sms").values_list("user", "channel"))
    assert staff == {(newcomer.pk, "inbox"), (newcomer.pk, "email")}
    preference_set(user=newcomer, email=False, sms=False)
    third = register(personas.clerk).petition
    assert set(Message.objects.filter(case_id=third.pk).exclude(channel="sms").values_list("user", "channel")) == {
        (newcomer.pk, "inbox")
    }
