"""Helpers for the Open311 tests: fetch both formats, apply the Spark mapping to the XML, validate
against the GeoReport v2 JSON Schemas."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own test responses
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from xinfang.api import services as api_services
from xinfang.api.models import Open311Attribute, Open311Service
from xinfang.api.open311.render import LIST_CHILD
from xinfang.petitions.models import Category

BASE = "/open311/v2"
FIXTURES = Path(__file__).parent / "fixtures" / "open311"
SCHEMAS = {
    name: json.loads((FIXTURES / "schemas" / f"{name}.json").read_text())
    for name in ("request", "service", "service-definition")
}


def xml_to_spark(elem: ET.Element) -> Any:
    """The Spark convention (open311.md §1.3): known containers → arrays, elements with children →
    objects, empty elements → null, text → string."""
    if elem.tag in LIST_CHILD:
        return [xml_to_spark(child) for child in elem]
    children = list(elem)
    if children:
        return {child.tag: xml_to_spark(child) for child in children}
    return elem.text if elem.text not in (None, "") else None


def json_as_text(value: Any) -> Any:
    """JSON scalars as XML would carry them: true/false, numbers as text, null stays null."""
    if isinstance(value, dict):
        return {k: json_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_as_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return None
    return str(value)


def both(client: Any, path: str, params: dict[str, Any] | None = None, method: str = "get") -> tuple[Any, Any]:
    """(xml response, json response) for BASE + path + .xml/.json."""
    call = getattr(client, method)
    return (call(f"{BASE}/{path}.xml", params or {}), call(f"{BASE}/{path}.json", params or {}))


def assert_equivalent(xml_response: Any, json_response: Any) -> Any:
    assert xml_response.status_code == json_response.status_code
    assert xml_response["Content-Type"] == "text/xml; charset=utf-8"
    assert json_response["Content-Type"] == "application/json; charset=utf-8"
    text = xml_response.content.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(xml_response.content)  # noqa: S314 - our own output
    data = json.loads(json_response.content)
    assert xml_to_spark(root) == json_as_text(data)
    return data


def validate(instance: Any, schema_name: str) -> None:
    jsonschema.validate(instance, SCHEMAS[schema_name], format_checker=jsonschema.FormatChecker())


@pytest.fixture
def o311_key(personas) -> str:
    return api_services.open311_key_create(name="fixmystreet", unit=personas.org.county_office).raw


@pytest.fixture
def o311_services(org) -> dict[str, Open311Service]:
    """602015 城乡建设: realtime with questions; 602006 劳动社保: batch; 602018 其他: blackbox."""
    realtime = Open311Service.objects.create(
        category=Category.objects.get(code="602015"), keywords="井盖,道路", description="城乡建设类问题"
    )
    Open311Attribute.objects.create(
        service=realtime,
        code="kind",
        datatype="singlevaluelist",
        required=True,
        order=1,
        description="问题类型",
        values=[{"key": "1", "name": "设施损坏"}, {"key": "2", "name": "违章建设"}],
    )
    Open311Attribute.objects.create(
        service=realtime,
        code="hazards",
        datatype="multivaluelist",
        order=2,
        description="危险情况",
        values=[{"key": "a", "name": "夜间无照明"}, {"key": "b", "name": "靠近学校"}, {"key": "c", "name": "车辆通行"}],
    )
    Open311Attribute.objects.create(
        service=realtime, code="people", datatype="number", order=3, description="涉及人数", datatype_description="整数"
    )
    Open311Attribute.objects.create(
        service=realtime,
        code="note",
        datatype="string",
        variable=False,
        order=4,
        description="请如实填写，虚假反映须承担责任",
    )
    batch = Open311Service.objects.create(category=Category.objects.get(code="602006"), type="batch")
    blackbox = Open311Service.objects.create(category=Category.objects.get(code="602018"), type="blackbox")
    return {"realtime": realtime, "batch": batch, "blackbox": blackbox}


def post_body(key: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "api_key": key,
        "service_code": "602015",
        "address_string": "扶沟县建设街与棉麻一场交叉口",
        "description": "窨井盖破损，夜间经过很危险，请尽快修复。",
        "attribute[kind]": "1",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}
