"""Every (state, action) pair of the transition table: allowed pairs succeed, all others are refused
and change nothing."""

from __future__ import annotations

import itertools

import pytest

from xinfang.core.errors import DomainError, InvalidTransition
from xinfang.petitions import services
from xinfang.petitions.models import Event, Petition
from xinfang.petitions.tests.factories import advance, register
from xinfang.petitions.workflow import ACTIONS, Action, Status, actions_from, allowed, target_of


def test_table_is_consistent():
    """Pure: terminal states offer nothing but what the law allows after them; targets are states."""
    for action, rule in ACTIONS.items():
        assert rule.target is None or rule.target in Status
        for source in rule.sources:
            assert allowed(source, action)
            assert target_of(source, action) == (rule.target or source)
    assert actions_from(Status.FINAL) == []
    assert actions_from(Status.NOT_ACCEPTED) == []
    assert set(actions_from(Status.CLOSED)) == {Action.REQUEST_REVIEW, Action.REQUEST_RECHECK, Action.RETURN_VISIT}


def _to_state(state: Status, personas) -> Petition:
    """Build a case in the given state through the services."""
    org = personas.org
    if state == Status.SUBMITTED:
        return services.petition_submit_online(
            petitioner={"name": "李四", "phone": "13900001111"}, area=org.chengguan, content="路灯不亮"
        ).petition
    p = register(personas.clerk).petition
    simple = {
        Status.REGISTERED: "registered",
        Status.DISPATCHED: "dispatched",
        Status.ACCEPTED: "accepted",
        Status.REPLY_PENDING: "reply_pending",
        Status.REPLIED: "replied",
        Status.CLOSED: "closed",
    }
    if state in simple:
        return advance(p, simple[state], personas=personas) if state != Status.REGISTERED else p
    if state == Status.REVISIT:
        advance(p, "replied", personas=personas)
        services.petition_rate(petition_id=p.pk, rating="unsatisfied", comment="没有解决")
    elif state == Status.NOT_ACCEPTED:
        services.petition_reject(
            actor=personas.dispatcher, petition_id=p.pk, reason="诉讼途径", legal_route="litigation"
        )
    elif state == Status.EXTENSION_PENDING:
        advance(p, "accepted", personas=personas)
        services.petition_request_extension(actor=personas.handler, petition_id=p.pk, days=10, reason="协调")
    else:
        advance(p, "replied", personas=personas)
        services.petition_request_review(petition_id=p.pk, reason="不服")
        if state in (Status.REVIEWED, Status.RECHECKING, Status.FINAL):
            services.petition_decide_review(actor=personas.reviewer, petition_id=p.pk, outcome="uphold", text="维持")
        if state in (Status.RECHECKING, Status.FINAL):
            services.petition_request_recheck(petition_id=p.pk, reason="仍不服")
        if state == Status.FINAL:
            services.petition_decide_recheck(
                actor=personas.city_reviewer, petition_id=p.pk, outcome="uphold", text="维持"
            )
    p.refresh_from_db()
    return p


def _run(action: Action, p: Petition, personas):
    """Perform `action` with the persona entitled to it (so only the state decides)."""
    org = personas.org
    calls = {
        Action.REGISTER: lambda: services.petition_register_submitted(actor=personas.clerk, petition_id=p.pk),
        Action.DISPATCH: lambda: services.petition_dispatch(
            actor=personas.dispatcher, petition_id=p.pk, unit=org.municipal, mode="transfer"
        ),
        Action.HANDLE_DIRECTLY: lambda: services.petition_handle_directly(actor=personas.dispatcher, petition_id=p.pk),
        Action.REJECT: lambda: services.petition_reject(
            actor=personas.dispatcher if p.status != Status.DISPATCHED else personas.handler,
            petition_id=p.pk,
            reason="r",
            legal_route="litigation",
        ),
        Action.ACCEPT: lambda: services.petition_accept(actor=personas.handler, petition_id=p.pk),
        Action.OBJECT: lambda: services.petition_object(actor=personas.handler, petition_id=p.pk, reason="r"),
        Action.NOTE: lambda: services.petition_add_note(actor=_unit_staff(p, personas), petition_id=p.pk, note="n"),
        Action.MEDIATE: lambda: services.petition_add_note(
            actor=personas.handler, petition_id=p.pk, note="n", mediation=True
        ),
        Action.REQUEST_EXTENSION: lambda: services.petition_request_extension(
            actor=personas.handler, petition_id=p.pk, days=5, reason="r"
        ),
        Action.APPROVE_EXTENSION: lambda: services.petition_decide_extension(
            actor=personas.head, petition_id=p.pk, approve=True
        ),
        Action.REFUSE_EXTENSION: lambda: services.petition_decide_extension(
            actor=personas.head, petition_id=p.pk, approve=False
        ),
        Action.SUBMIT_REPLY: lambda: services.petition_submit_reply(
            actor=personas.handler, petition_id=p.pk, outcome="explain", facts="f", reasons="r", basis="b", opinion="o"
        ),
        Action.APPROVE_REPLY: lambda: services.petition_decide_reply(
            actor=personas.head, petition_id=p.pk, approve=True
        ),
        Action.RETURN_REPLY: lambda: services.petition_decide_reply(
            actor=personas.head, petition_id=p.pk, approve=False, note="改"
        ),
        Action.RATE: lambda: services.petition_rate(petition_id=p.pk, rating="basic"),
        Action.RATE_UNSATISFIED: lambda: services.petition_rate(petition_id=p.pk, rating="unsatisfied"),
        Action.REHANDLE: lambda: services.petition_rehandle(actor=personas.dispatcher, petition_id=p.pk, reason="r"),
        Action.CLOSE_UNSATISFIED: lambda: services.petition_close_unsatisfied(
            actor=personas.dispatcher, petition_id=p.pk, note="n"
        ),
        Action.CLOSE: lambda: services.petition_close(actor=personas.dispatcher, petition_id=p.pk),
        Action.REQUEST_REVIEW: lambda: services.petition_request_review(petition_id=p.pk, reason="r"),
        Action.DECIDE_REVIEW: lambda: services.petition_decide_review(
            actor=personas.reviewer, petition_id=p.pk, outcome="uphold", text="t"
        ),
        Action.REQUEST_RECHECK: lambda: services.petition_request_recheck(petition_id=p.pk, reason="r"),
        Action.DECIDE_RECHECK: lambda: services.petition_decide_recheck(
            actor=personas.city_reviewer, petition_id=p.pk, outcome="uphold", text="t"
        ),
        Action.RETURN_VISIT: lambda: services.petition_return_visit(
            actor=personas.dispatcher, petition_id=p.pk, method="phone", reached=False
        ),
        Action.START_HEARING: lambda: services.petition_hearing(
            actor=personas.city_reviewer, petition_id=p.pk, start=True
        ),
        Action.RELEASE_IDENTITY: lambda: services.petition_release_identity(
            actor=personas.dispatcher, petition_id=p.pk, reason="r"
        ),
    }
    return calls[action]()


def _unit_staff(p: Petition, personas):
    if p.status in (Status.REVIEWING,):
        return personas.reviewer
    if p.status == Status.RECHECKING:
        return personas.city_reviewer
    return personas.handler


# The 包案 hand-over and release (no state change; tested in screening/tests/test_access_and_leaders.py).
SKIP = {
    Action.SUBMIT,
    Action.ATTACH,
    Action.END_HEARING,
    Action.RELEASE_IDENTITY,
    Action.TAKE_ON,
    Action.HAND_OVER,
    Action.RELEASE_LEADER,
}
# Pairs the table allows but a guard in the service refuses for the case built here:
# a 复核 needs a 复查 first, and a closed case built by _to_state had none.
GUARDED = {(Status.CLOSED, Action.REQUEST_RECHECK)}
PAIRS = [(s, a) for s, a in itertools.product(Status, Action) if a not in SKIP]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_every_state_action_pair(state, action, personas):
    p = _to_state(state, personas)
    assert p.status == state
    events_before = Event.objects.filter(petition=p).count()
    if allowed(state, action) and (state, action) not in GUARDED:
        _run(action, p, personas)
        p.refresh_from_db()
        assert p.status == target_of(state, action)
        assert Event.objects.filter(petition=p).count() == events_before + 1
    else:
        with pytest.raises(DomainError) as exc:
            _run(action, p, personas)
        assert isinstance(exc.value, InvalidTransition), exc.value
        p.refresh_from_db()
        assert p.status == state
        assert Event.objects.filter(petition=p).count() == events_before
