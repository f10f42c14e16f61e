"""A case's limits carry copies of its area, units and accused path (petitions.deadlines.facts), which the
statistics count them by. Whatever path changes the case -- the workflow, a re-dispatch after an objection,
an online submission registered into another area, the generator, a unit moved in accounts' tree -- the
copies end up equal to the case's."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from xinfang.accounts.services import unit_upsert
from xinfang.petitions import services
from xinfang.petitions.deadlines.facts import FACTS, deadline_facts_differ, deadline_shares_code_differ
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import advance, register

pytestmark = pytest.mark.django_db


def _copies(p: Petition) -> set[tuple[object, ...]]:
    return set(Deadline.objects.filter(petition=p).values_list(*FACTS))


def _facts(p: Petition) -> tuple[object, ...]:
    p.refresh_from_db()
    return tuple(getattr(p, name) for name in FACTS)


def test_every_limit_follows_the_case_through_a_redispatch(personas):
    org = personas.org
    p = register(personas.clerk).petition
    assert _copies(p) == {(org.fugou.pk, None, org.county_office.pk, "")}

    services.petition_dispatch(actor=personas.dispatcher, petition_id=p.pk, unit=org.municipal, mode="transfer")
    assert _copies(p) == {_facts(p)} and _facts(p)[1] == org.municipal.pk
    services.petition_object(actor=personas.handler, petition_id=p.pk, reason="不属于本单位职责")
    assert _copies(p) == {_facts(p)} and _facts(p)[1] is None
    services.petition_dispatch(actor=personas.dispatcher, petition_id=p.pk, unit=org.township, mode="transfer")

    rows = Deadline.objects.filter(petition=p)
    assert rows.count() >= 3  # the transfer limit, the first unit's cancelled one, the second unit's
    assert _copies(p) == {(org.fugou.pk, org.township.pk, org.county_office.pk, "")}
    assert not deadline_facts_differ().exists() and not deadline_shares_code_differ().exists()
    assert Deadline.objects.filter(petition=p, shares_code=True).exists()  # the check above had flags to look at


def test_a_case_walked_to_the_end_and_an_accusation_keep_equal_copies(personas):
    org = personas.org
    done = advance(register(personas.clerk).petition, "closed", personas=personas)
    accusation = register(personas.clerk, accused_unit=org.housing).petition
    assert _copies(done) == {_facts(done)}
    assert _copies(accusation) == {(org.fugou.pk, None, org.county_office.pk, org.housing.path)}
    assert not deadline_facts_differ().exists()


def test_moving_the_accused_unit_rewrites_the_copied_accused_path(personas):
    org = personas.org
    p = register(personas.clerk, accused_unit=org.municipal).petition
    unit_upsert(
        code=org.municipal.code, name=org.municipal.name, kind=org.municipal.kind, area=org.fugou, parent=org.township
    )
    p.refresh_from_db()
    assert p.accused_path.startswith(org.township.path)
    assert {row[3] for row in _copies(p)} == {p.accused_path}
    assert not deadline_facts_differ().exists()


def test_the_generator_writes_the_copies_as_the_cases_end_up(personas):
    call_command("generate_petitions", "--count", "40", "--seed", "7", "--no-progress", stdout=io.StringIO())
    assert Deadline.objects.filter(current_unit__isnull=False).exists()  # dispatched cases among them
    assert not deadline_facts_differ().exists() and not deadline_shares_code_differ().exists()


def test_a_row_that_differs_is_found(personas):
    """The check the tests above rely on does see a wrong copy."""
    org = personas.org
    p = register(personas.clerk).petition
    assert not deadline_facts_differ().exists()
    Deadline.objects.filter(petition=p).update(office_unit_id=org.municipal.pk)
    assert deadline_facts_differ().count() == Deadline.objects.filter(petition=p).count()
    Deadline.objects.filter(petition=p).update(office_unit_id=org.county_office.pk, current_unit_id=org.municipal.pk)
    assert deadline_facts_differ().exists()  # a copy set where the case has none


def test_stats_verify_reports_and_fixes_what_differs(personas):
    org = personas.org
    p = register(personas.clerk).petition
    out = io.StringIO()
    call_command("stats_verify", stdout=out)
    assert json.loads(out.getvalue()) == {
        "deadline_copies_differ_cases": 0,
        "repeat_flags_differ": 0,
        "shared_code_flags_differ": 0,
    }
    Deadline.objects.filter(petition=p).update(office_unit_id=org.municipal.pk, shares_code=True)  # its only limit
    Petition.objects.filter(pk=p.pk).update(has_repeat=True)
    with pytest.raises(SystemExit) as exit_:
        call_command("stats_verify", stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_.value.code == 1
    out = io.StringIO()
    call_command("stats_verify", "--fix", stdout=out)
    report = json.loads(out.getvalue())
    assert report["fixed"] is True and report["shared_code_flags_differ"] == 1
    assert _copies(p) == {(org.fugou.pk, None, org.county_office.pk, "")}
    p.refresh_from_db()
    assert not p.has_repeat and not deadline_facts_differ().exists()
    assert (
        not Deadline.objects.filter(petition=p, shares_code=True).exists()
        and not deadline_shares_code_differ().exists()
    )
