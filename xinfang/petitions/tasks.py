"""Background tasks of the petitions app (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from . import import_jobs

# The import job's task lives beside the job (import_jobs.run_import_job); rows queued under this path
# before it moved still find it here.
run_import_job = import_jobs.run_import_job


@task()
def sweep_deadlines() -> dict[str, int]:
    """The periodic deadline sweep (deadlines.sweep.deadlines_sweep), for `deadlines_sweep --enqueue`."""
    from .deadlines.sweep import deadlines_sweep

    return deadlines_sweep()


@task()
def sweep_return_visits() -> dict[str, int]:
    """Unrated replies become 回访 tasks (services.revisit.return_visits_sweep)."""
    from .services.revisit import return_visits_sweep

    return return_visits_sweep()
