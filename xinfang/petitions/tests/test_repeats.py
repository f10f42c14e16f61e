"""`has_repeat`: a case learns that a later one was registered as its repeat (同人同事), whichever path
registered it, and the 一次性化解 figure counts it as not resolved at once from then on."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from xinfang.core.timeutil import local_date
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.repeats import repeats_differ
from xinfang.petitions.tests.factories import advance, register
from xinfang.statistics import figures, periods

pytestmark = pytest.mark.django_db


def _one_time(personas) -> tuple[int, int]:
    today = local_date()
    s = figures.summary(figures.Scope(area=personas.org.fugou), periods.month(today.year, today.month), units=False)
    block = s["indicators"]["one_time_resolution_rate"]
    return block["numerator"], block["denominator"]


def test_a_repeat_registered_later_undoes_the_one_time_resolution(personas):
    first = advance(register(personas.clerk).petition, "closed", personas=personas)
    assert first.rating == "satisfied" and not first.has_repeat
    assert _one_time(personas) == (1, 1)

    again = register(personas.clerk, repeat_of=first).petition
    first.refresh_from_db()
    assert again.is_repeat and first.has_repeat
    assert _one_time(personas) == (0, 1)  # still answered this month, no longer resolved at once
    assert not repeats_differ().exists()


def test_an_online_submission_registered_as_a_repeat_flags_its_original(personas):
    org = personas.org
    first = register(personas.clerk).petition
    sub = services.petition_submit_online(
        area=org.fugou,
        title="井盖又坏了",
        content="上次反映的建设街窨井盖又破损了，请再处理。",
        petitioner={"name": "王大爷", "id_number": "11010519491231002X", "phone": "13812345678"},
    ).petition
    services.petition_register_submitted(actor=personas.clerk, petition_id=sub.pk, repeat_of=first)
    first.refresh_from_db()
    assert first.has_repeat
    assert not repeats_differ().exists()


def test_the_generator_flags_the_originals_of_its_repeats(personas):
    """One writer links repeats in its batches (bulk.py); parallel writers (PostgreSQL) afterwards
    (demo.volume.writers.link_repeats)."""
    workers = ["--workers", "2"] if connection.vendor == "postgresql" else []
    args = ["--count", "300", "--seed", "11", "--batch-size", "20", "--no-progress", *workers]
    call_command("generate_petitions", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert Petition.objects.filter(repeat_of__isnull=False).exists()
    assert not repeats_differ().exists()


def test_a_wrong_flag_is_found(personas):
    p = register(personas.clerk).petition
    Petition.objects.filter(pk=p.pk).update(has_repeat=True)
    assert list(repeats_differ()) == [p]
