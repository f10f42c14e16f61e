"""Many clerks registering at once get distinct numbers; concurrent clicks on one action act once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from xinfang.core.audit_check import audit_verify
from xinfang.core.errors import DomainError
from xinfang.core.models import AuditEvent
from xinfang.petitions import services
from xinfang.petitions.models import Event, Petition
from xinfang.petitions.tests.factories import advance, register

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(n: int, work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_twenty_clerks_register_at_once(personas):
    errors = _in_threads(20, lambda i: register(personas.clerk, title=f"并发登记{i}"))
    assert errors == []
    numbers = list(Petition.objects.values_list("number", flat=True))
    assert len(numbers) == 20 and len(set(numbers)) == 20
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 21))
    assert Event.objects.filter(action="register").count() == 20
    # One chain through all of them (on PostgreSQL each registration's audit row is written with its event
    # and limit by petitions.intake_write, the head read FOR UPDATE in the same statement).
    assert AuditEvent.objects.filter(action="petition.register").count() == 20
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + len(ids)))
    assert audit_verify()[0]
    print(f"registered 20 concurrently on {connection.vendor}")


def test_concurrent_accept_clicks_act_once(personas):
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    results: list[str] = []

    def click(i: int) -> None:
        try:
            services.petition_accept(actor=personas.handler, petition_id=p.pk)
            results.append("ok")
        except DomainError:
            results.append("refused")

    errors = _in_threads(5, click)
    assert errors == []
    assert results.count("ok") == 1 and results.count("refused") == 4
    assert Event.objects.filter(petition=p, action="accept").count() == 1
