"""The bell, the inbox, the channel preferences and the outbox page (which lists what went out)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xinfang.notifications.models import Message, Preference

from .factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(personas, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.XINFANG_SMS_QUIET_HOURS = "off"
    settings.XINFANG_SMS_LOG_FILE = tmp_path / "sms.log"
    with django_capture_on_commit_callbacks(execute=True):
        return register(personas.clerk).petition


def test_the_outbox_page_lists_what_went_out(sent, personas, client):
    client.force_login(personas.dispatcher)
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert sent.number in page and "138****5678" in page and "已发送" in page and "13812345678" not in page
    assert "发件箱" in client.get(reverse("petitions:workbench")).content.decode()  # the link in the nav
    only_sms = client.get(reverse("notifications:outbox"), {"channel": "sms"}).content.decode()
    assert "站内消息</td>" not in only_sms and "短信" in only_sms


def test_the_outbox_is_for_the_office_and_administrators(sent, personas, client):
    client.force_login(personas.handler)
    assert client.get(reverse("notifications:outbox")).status_code == 403
    assert "发件箱" not in client.get(reverse("petitions:workbench")).content.decode()


def test_the_bell_counts_unread_and_the_inbox_marks_read(sent, personas, client):
    client.force_login(personas.dispatcher)
    bell = client.get(reverse("notifications:bell")).content.decode()
    assert 'aria-label="未读消息">1<' in bell
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert f"新登记信访事项待分办：{sent.number}" in inbox
    assert reverse("petitions:detail", args=[sent.pk]) in inbox  # the case link
    client.post(reverse("notifications:inbox-read"), {"id": [str(Message.objects.get(channel="inbox").pk)]})
    assert Message.objects.get(channel="inbox").read_at is not None
    assert "未读消息" not in client.get(reverse("notifications:bell")).content.decode()


def test_someone_elses_message_cannot_be_marked_read(sent, personas, client):
    client.force_login(personas.handler)
    client.post(reverse("notifications:inbox-read"), {"id": [str(Message.objects.get(channel="inbox").pk)]})
    assert Message.objects.get(channel="inbox").read_at is None


def test_preferences_choose_channels_and_seal_the_mobile(personas, client):
    client.force_login(personas.handler)
    bad = client.post(reverse("notifications:preferences"), {"sms": "on"})
    assert bad.status_code == 400 and "选择短信通知须填写手机号码" in bad.content.decode()
    assert not Preference.objects.exists()
    bad = client.post(reverse("notifications:preferences"), {"sms": "on", "mobile": "12345"})
    assert bad.status_code == 400 and "11位手机号码" in bad.content.decode()
    ok = client.post(reverse("notifications:preferences"), {"sms": "on", "mobile": "13900001111"})
    assert ok.status_code == 302
    pref = Preference.objects.get(user=personas.handler)
    assert pref.sms and pref.mobile_masked == "139****1111" and "13900001111" not in pref.mobile_enc


def test_staff_who_chose_sms_get_urgent_events_by_sms(personas):
    from xinfang.notifications.services import Notice, Recipient, notify_event, preference_set

    preference_set(user=personas.handler, email=False, sms=True, mobile="13900001111")
    notify_event(
        notice=Notice(event="dispatched", key="k1", context={"subject": "新件"}),
        recipients=[Recipient.unit(personas.org.municipal.pk, "handler")],
    )
    notify_event(
        notice=Notice(event="deadline_overdue", key="k2", context={"subject": "超期"}),
        recipients=[Recipient.unit(personas.org.municipal.pk, "handler")],
    )
    assert set(Message.objects.filter(user=personas.handler).values_list("event", "channel")) == {
        ("dispatched", "inbox"),
        ("deadline_overdue", "inbox"),
        ("deadline_overdue", "sms"),
    }
