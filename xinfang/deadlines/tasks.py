"""Background tasks of the deadlines app (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from .services import deadlines_sweep


@task()
def sweep_deadlines() -> dict[str, int]:
    """The periodic deadline sweep (services.deadlines_sweep), for `deadlines_sweep --enqueue`."""
    return deadlines_sweep()
