"""Several notices in one call (notify_events): the same rows as one call each, once per key."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from xinfang.accounts.models import Role
from xinfang.notifications.models import Message
from xinfang.notifications.services import Notice, Recipient, notify_event, notify_events

from .helpers import person

pytestmark = pytest.mark.django_db
DAY = dt.datetime(2026, 9, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def daytime(time_machine):
    time_machine.move_to(DAY, tick=False)


def to_petitioner(key: str, phone: str = "13812345678") -> tuple[Notice, list[Recipient]]:
    notice = Notice(event="registered", key=key, context={"text": "您的信访事项已登记。"}, case_number="N1")
    return notice, [person(phone)]


def to_office(key: str, personas) -> tuple[Notice, list[Recipient]]:
    notice = Notice(event="new_case", key=key, context={"subject": "新登记信访事项待分办：N1", "detail": "N1 井盖"})
    return notice, [Recipient.unit(personas.org.county_office.pk, Role.DISPATCHER)]


def test_two_notices_write_their_rows_in_one_call_and_queue_the_outgoing(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = notify_events(items=[to_petitioner("case:5:ev:7"), to_office("case:5:ev:7", personas)])
    assert [m.channel for m in created] == ["sms", "inbox"]
    assert created[0].key.startswith("case:5:ev:7:p") and created[0].key.endswith(":sms")
    assert created[1].key == f"case:5:ev:7:u{personas.dispatcher.pk}:inbox"
    sms, inbox = (Message.objects.get(pk=m.pk) for m in created)
    assert sms.state == "sent" and sms.body.startswith("【信访综合业务平台】您的信访事项已登记。")
    assert (inbox.user, inbox.state, inbox.subject, inbox.body) == (
        personas.dispatcher,
        "delivered",
        "新登记信访事项待分办：N1",
        "N1 井盖",
    )


def test_a_redelivered_batch_writes_only_what_is_missing(personas):
    first = notify_events(items=[to_petitioner("case:5:ev:8")])
    again = notify_events(items=[to_petitioner("case:5:ev:8"), to_office("case:5:ev:8", personas)])
    assert [m.channel for m in again] == ["inbox"]  # the SMS was written before: skipped, not doubled
    assert Message.objects.filter(key__startswith="case:5:ev:8:").count() == 2
    assert notify_event(notice=to_petitioner("case:5:ev:8")[0], recipients=[person()]) == []
    assert Message.objects.filter(pk=first[0].pk).count() == 1


def test_new_keys_writes_the_same_rows_as_the_guarded_path(personas):
    guarded = notify_events(items=[to_petitioner("case:6:ev:1"), to_office("case:6:ev:1", personas)])
    fresh = notify_events(items=[to_petitioner("case:6:ev:2"), to_office("case:6:ev:2", personas)], new_keys=True)

    def shape(messages: list[Message]) -> list[tuple[str, str, str, str, str]]:
        return [(m.key.split(":", 4)[-1], m.channel, m.to_masked, m.subject, m.body) for m in messages]

    assert shape(fresh) == shape(guarded) and all(m.pk for m in fresh)


def test_new_keys_gives_one_message_when_two_notices_share_a_key():
    created = notify_events(items=[to_petitioner("case:6:ev:3"), to_petitioner("case:6:ev:3")], new_keys=True)
    assert len(created) == 1 and Message.objects.filter(key__startswith="case:6:ev:3:").count() == 1


def test_new_keys_on_an_existing_key_fails_loudly_and_writes_nothing():
    notify_events(items=[to_petitioner("case:6:ev:4")])
    with pytest.raises(IntegrityError), transaction.atomic():
        notify_events(items=[to_petitioner("case:6:ev:4"), to_petitioner("case:6:ev:4", "13900001111")], new_keys=True)
    assert Message.objects.filter(key__startswith="case:6:ev:4:").count() == 1


def test_with_the_database_queue_the_sending_task_commits_with_its_messages(personas, settings):
    """With django_tasks_db (production's backend) the sending task's row is written in the messages' own
    transaction: committed with them, and gone with them when the change is rolled back."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with transaction.atomic():
        created = notify_events(items=[to_petitioner("case:8:ev:9"), to_office("case:8:ev:9", personas)])
        # Queued inside the transaction, before any commit: nothing is left for after it.
        task = DBTaskResult.objects.get()
    assert task.status == "READY" and task.task_path == "xinfang.notifications.tasks.send_message"
    assert task.args_kwargs["args"] == [created[0].pk]  # the SMS; the inbox message needs no sending
    assert Message.objects.get(pk=created[0].pk).state == "queued"

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        notify_events(items=[to_petitioner("case:8:ev:10", phone="13900000000")])
        assert DBTaskResult.objects.count() == 2
        raise Undo
    assert DBTaskResult.objects.count() == 1
    assert not Message.objects.filter(key__startswith="case:8:ev:10").exists()
