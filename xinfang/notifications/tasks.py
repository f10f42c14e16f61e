"""Background tasks of the notifications app (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from . import sending


@task()
def send_message(message_id: int) -> str:
    """Send one message (sending.message_send): safe to run twice, or after a worker died mid-send."""
    return sending.message_send(message_id=message_id)


@task()
def run_due_messages() -> dict[str, int]:
    """Everything due (retries, the morning after quiet hours, stale sends), for cron/systemd timers."""
    return sending.run_due()
