"""Background tasks of the notifications app (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import sending
from .models import Message, State


@task()
def send_message(message_id: int) -> str:
    """Send one message (sending.message_send): safe to run twice, or after a worker died mid-send."""
    outcome = sending.message_send(message_id=message_id)
    if outcome == State.FAILED:  # a retry is due later (its not_before): queue it now, after the commit
        transaction.on_commit(lambda: enqueue_send(list(Message.objects.filter(pk=message_id, state=State.FAILED))))
    return outcome


@task()
def run_due_messages() -> dict[str, int]:
    """Everything due (retries, the morning after quiet hours, stale sends), for cron/systemd timers."""
    return sending.run_due()


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
