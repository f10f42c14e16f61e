"""`with writes_nothing(petition), pytest.raises(...)`: a refused action leaves every table as it was."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import models

# What a state change writes: the case, its timeline, audit chain, deadlines, people and notifications.
WATCHED = (
    "petitions.Petition",
    "petitions.Event",
    "petitions.Representative",
    "petitions.Attachment",
    "core.AuditEvent",
    "notifications.Message",
    "petitions.Deadline",
    "accounts.Area",
    "accounts.Unit",
    "accounts.User",
    "accounts.Membership",
)


def _snapshot(rows: tuple[models.Model, ...]) -> dict[str, Any]:
    state: dict[str, Any] = {label: apps.get_model(label).objects.count() for label in WATCHED}
    for row in rows:
        state[f"{row._meta.label} #{row.pk}"] = type(row)._default_manager.filter(pk=row.pk).values().first()
    if "petitions.Deadline" in state:
        state["deadlines"] = list(apps.get_model("petitions.Deadline").objects.order_by("pk").values())
    return state


@contextmanager
def writes_nothing(*rows: models.Model) -> Iterator[None]:
    """Counts of WATCHED tables, the deadlines, and the given rows (re-read) are the same afterwards."""
    before = _snapshot(rows)
    yield
    assert _snapshot(rows) == before
