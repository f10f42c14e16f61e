"""Background tasks of the notifications app (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import router, transaction
from django.utils import timezone
from django_tasks import task

from . import sending
from .models import Message, State


@task()
def send_message(message_id: int) -> str:
    """Send one message (sending.message_send): safe to run twice, or after a worker died mid-send."""
    outcome = sending.message_send(message_id=message_id)
    if outcome == State.FAILED:  # a retry is due later (its not_before): queue it with the failure
        send_with_transaction(list(Message.objects.filter(pk=message_id, state=State.FAILED)))
    return outcome


@task()
def run_due_messages() -> dict[str, int]:
    """Everything due (retries, the morning after quiet hours, stale sends), for cron/systemd timers."""
    return sending.run_due()


def send_with_transaction(messages: Sequence[Message]) -> None:
    """Queue the messages' sending as part of the transaction that wrote them, where the task backend keeps
    its queue in the same database (django_tasks_db, the default): the task rows commit with the messages
    or vanish with them, a worker cannot take one before the commit, and no round trip of its own follows
    the commit. Any other backend (the tests' immediate one, a broker) is handed them once committed."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    same_db = router.db_for_write(DBTaskResult) == router.db_for_write(Message)
    if isinstance(send_message.get_backend(), DatabaseBackend) and same_db:
        enqueue_send(messages)
    else:
        transaction.on_commit(lambda: enqueue_send(messages))


def enqueue_send(messages: Sequence[Message]) -> None:
    """Hand messages to the sending task: now, or at their `not_before` where the task backend can wait;
    where it cannot, `outbox --run-due` (or the periodic run_due task) picks them up when due."""
    from django_tasks import default_task_backend

    now = timezone.now()
    for m in messages:
        if m.not_before and m.not_before > now:
            if default_task_backend.supports_defer:
                send_message.using(run_after=m.not_before).enqueue(m.pk)
            continue
        send_message.enqueue(m.pk)
