"""Background tasks of core (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def publish_anchor() -> dict[str, Any]:
    """Sign the audit chain's head and publish it (core.anchor.anchor_publish), for `audit_anchor --enqueue`
    called by a timer (docs/operations.md)."""
    from .anchor import anchor_publish

    return anchor_publish()
