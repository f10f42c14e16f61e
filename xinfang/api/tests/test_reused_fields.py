"""Input serializers that reuse their fields across requests still validate each input on its own."""

from __future__ import annotations

import threading
from typing import Any, cast

import pytest

from xinfang.api.v1.serializers import PersonInSerializer, RegisterInSerializer

pytestmark = pytest.mark.django_db

GOOD = {"channel": "call", "content": "路灯不亮", "petitioner": {"name": "张三", "phone": "13800138000"}}


def _parse(data: dict[str, Any]) -> RegisterInSerializer:
    s = RegisterInSerializer(data=data)
    s.is_valid()
    return s


def test_each_instance_validates_its_own_input_and_keeps_its_own_errors():
    bad = _parse({"channel": "pigeon", "content": "", "petitioner": {"phone": "12"}, "representatives": [{}]})
    assert set(bad.errors) == {"channel", "content", "petitioner", "representatives"}
    assert "phone" in bad.errors["petitioner"]
    assert "name" in bad.errors["representatives"][0]
    good = _parse({**GOOD, "representatives": [{"name": "李四"}]})
    assert good.errors == {}
    assert good.validated_data["content"] == "路灯不亮"
    assert good.validated_data["petitioner"]["phone"] == "13800138000"
    assert good.validated_data["representatives"][0]["name"] == "李四"
    assert bad.errors["channel"]  # the earlier instance's errors are untouched
    again = _parse(GOOD)
    assert "representatives" not in again.validated_data  # nothing carried over from the previous input


def test_fields_are_bound_to_the_instance_using_them():
    first, second = RegisterInSerializer(data=GOOD, context={"n": 1}), RegisterInSerializer(data=GOOD, context={"n": 2})
    assert first.fields["content"] is not None
    assert first.fields["content"].root is first and first.fields["content"].context == {"n": 1}
    assert second.fields["content"].root is second and second.fields["content"].context == {"n": 2}
    assert cast(PersonInSerializer, second.fields["petitioner"]).fields["phone"].root is second


def test_threads_do_not_share_fields():
    here = RegisterInSerializer(data=GOOD).fields["content"]
    there = []
    t = threading.Thread(target=lambda: there.append(RegisterInSerializer(data=GOOD).fields["content"]))
    t.start()
    t.join()
    assert there[0] is not here
    assert RegisterInSerializer(data=GOOD).fields["content"] is here  # reused within the thread
