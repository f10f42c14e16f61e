"""access.can_see (a loaded case, in Python) agrees with the database scope on every case, for every
persona, an administrator and a superuser; access_petition answers 404 exactly where the scope does."""

from __future__ import annotations

import contextlib

import pytest
from django.http import Http404

from xinfang.accounts.models import Membership, Role
from xinfang.core.errors import DomainError
from xinfang.demo.volume.generator import Generator
from xinfang.petitions import services
from xinfang.petitions.access import access_petition, can_see, petitions_visible_to
from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import Status

pytestmark = pytest.mark.django_db

WHO = [
    "clerk",
    "dispatcher",
    "handler",
    "head",
    "reviewer",
    "city_reviewer",
    "supervisor",
    "leader",
    "outsider",
    "housing_handler",
    "no_role",
]


@pytest.fixture
def cases(personas):
    Generator(seed=11).run(150)  # every state; accusations against units; 复查 / 复核 cases
    for p in Petition.objects.filter(status__in=[Status.ACCEPTED, Status.CLOSED])[:4]:
        with contextlib.suppress(DomainError):  # 包案: the leader sees these by leader_id
            services.petition_take_on(actor=personas.leader, petition_id=p.pk, note="包案")
    # Accusations against the county government and against the housing bureau: hidden from those
    # units and every unit under them (Art 30(3)), whatever else would show them.
    ids = list(Petition.objects.order_by("pk").values_list("pk", flat=True))
    gov = personas.reviewer.memberships.first().unit
    housing = personas.housing_handler.memberships.first().unit
    Petition.objects.filter(pk__in=ids[:6]).update(accused_unit=gov, accused_path=gov.path)
    Petition.objects.filter(pk__in=ids[6:12]).update(accused_unit=housing, accused_path=housing.path)
    return list(Petition.objects.all())


def _compare(user, cases):
    visible = set(petitions_visible_to(user).values_list("pk", flat=True))
    for p in cases:
        assert can_see(user, p) == (p.pk in visible), (user.username, p.number)
        if p.pk in visible:
            assert access_petition(user, p.pk).pk == p.pk
            assert access_petition(user, p.number).pk == p.pk
        else:
            with pytest.raises(Http404):
                access_petition(user, p.pk)
    return visible


def test_can_see_is_the_scope(personas, cases):
    sizes = {}
    for who in WHO:
        sizes[who] = len(_compare(getattr(personas, who), cases))
    # Not vacuous: some see everything, some a part, some nothing.
    assert sizes["no_role"] == 0 and sizes["dispatcher"] > 0
    assert sizes["reviewer"] == sizes["leader"] == len(cases) - 6  # the accusations against their unit
    assert any(0 < n < len(cases) for n in sizes.values()), sizes


def test_admin_and_superuser(personas, cases, django_user_model):
    Membership.objects.create(user=personas.outsider, unit=personas.org.county_office, role=Role.ADMIN)
    admin = django_user_model.objects.get(pk=personas.outsider.pk)  # a fresh object: no cached context
    _compare(admin, cases)
    root = django_user_model.objects.create_superuser("root-x", password="x-Pass-12345")
    assert _compare(root, cases) == {p.pk for p in cases}


def test_unknown_case_is_404(personas):
    with pytest.raises(Http404):
        access_petition(personas.dispatcher, 10**9)
    with pytest.raises(Http404):
        access_petition(personas.dispatcher, "410000-2026-999999")
