"""Background tasks of the statistics (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def freeze_monthly_snapshots(year: int | None = None, month: int | None = None, force: bool = False) -> dict[str, int]:
    """The monthly freeze (services.snapshot_month), enqueued by `manage.py stats_snapshot --enqueue`."""
    return services.snapshot_month(year=year, month_=month, force=force)
