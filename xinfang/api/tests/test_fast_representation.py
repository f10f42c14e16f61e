"""The petition serializers render with plain functions; DRF's generic rendering of the same declared
fields must give exactly the same JSON for every kind of case and caller."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.request import Request

from xinfang.api.v1 import serializers as s
from xinfang.demo.volume.generator import Generator
from xinfang.petitions import selectors
from xinfang.petitions.deadlines.schedule import petition_deadlines
from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import ACTIONS, allowed

pytestmark = pytest.mark.django_db


def _generic(serializer_class, instance, context):
    """What DRF renders from the declared fields (Serializer.to_representation, not our override)."""
    ser = serializer_class(instance, context=context)
    return serializers.Serializer.to_representation(ser, instance)


@pytest.mark.parametrize("who", ["dispatcher", "handler", "supervisor"])
def test_fast_output_equals_drf_output(personas, who) -> None:
    Generator(seed=4).run(60)  # every state, confidential petitioners, groups, replies, reviews
    request = Request(RequestFactory().get("/"))
    request.user = getattr(personas, who)
    context = {"request": request}
    cases = list(
        Petition.objects.select_related("area", "category", "office_unit", "current_unit", "review_unit").order_by("id")
    )
    assert {p.status for p in cases} >= {"registered", "accepted", "closed"}
    assert any(p.confidential for p in cases)
    for p in cases:
        extra = cast(Any, p)  # the parts of the answer the API views hang on the instance
        extra.api_timeline = list(selectors.petition_detail_events(p))
        extra.api_deadlines = petition_deadlines(petition=p)
        extra.api_actions = [a.value for a in ACTIONS if allowed(p.status, a)]
        extra.api_query_code = "ABCD-EFGH-JKLM-NPQR"
        for cls in (s.PetitionSerializer, s.PetitionDetailSerializer, s.RegisteredSerializer):
            fast = cls(p, context=context).data
            assert dict(fast) == _generic(cls, p, context), (cls.__name__, p.number)
    # and through a list (many=True), as the list endpoint renders
    # the stubs type a plain Serializer's instance as one object, even with many=True
    many = s.PetitionSerializer(cases, many=True, context=context).data  # type: ignore[arg-type]
    assert [dict(x) for x in many] == [_generic(s.PetitionSerializer, p, context) for p in cases]
