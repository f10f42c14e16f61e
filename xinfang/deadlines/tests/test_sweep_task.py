"""deadlines_sweep --enqueue: the sweep is queued for a task worker (database backend) and done by it."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from xinfang.notifications.models import Message
from xinfang.petitions.deadlines.schedule import deadline_open
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.test_import_worker import DB_TASKS, run_worker

from .conftest import at
from .factories import make_petition

D = dt.date.fromisoformat

pytestmark = pytest.mark.django_db(transaction=True)


def sweep(*args):
    out = io.StringIO()
    call_command("deadlines_sweep", *args, stdout=out)
    return json.loads(out.getvalue())


def test_enqueued_sweep_waits_for_a_worker_then_moves_the_case(world, time_machine, settings):
    settings.TASKS = DB_TASKS
    time_machine.move_to(at("2026-09-01"), tick=False)
    petition = make_petition(area=world.area, office=world.office, current=world.handler, received=D("2026-09-01"))
    deadline_open(petition=petition, code="notify_acceptance", start=D("2026-09-01"))  # due 2026-09-16
    time_machine.move_to(at("2026-09-17"), tick=False)

    queued = sweep("--enqueue")
    task = DBTaskResult.objects.get()
    assert queued == {"enqueued": str(task.id)} and task.status == "READY"
    assert task.task_path == "xinfang.petitions.tasks.sweep_deadlines"
    assert Petition.objects.get(pk=petition.pk).deadline_state != "overdue"  # nothing swept yet
    assert not Message.objects.exists()

    run_worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value is not None and task.return_value["changed"] == 1
    assert Petition.objects.get(pk=petition.pk).deadline_state == "overdue"
    assert Message.objects.filter(event="deadline_overdue").count() == 1
    assert sweep()["changed"] == 0  # the default, in-process sweep finds nothing left to do
