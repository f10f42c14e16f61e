"""Open311 discovery, service list and service definitions (open311.md §2–§4, §13.2)."""

from __future__ import annotations

from xinfang.petitions.models import Category

from .open311_util import BASE, assert_equivalent, both, validate


def test_discovery_in_both_formats(client, org):
    xml, js = both(client, "discovery")
    data = assert_equivalent(xml, js)
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert all(data[k] for k in ("changeset", "contact", "key_service"))
    assert client.get("/open311/discovery.json").json() == data  # also at the root of the endpoint


def test_unsupported_suffix_and_unknown_paths_are_404_error_bodies(client, org):
    for path in ("services.html", "services.yaml", "requests", "nothing.json"):
        r = client.get(f"{BASE}/{path}")
        assert r.status_code == 404, path
        assert r["Content-Type"].startswith("text/xml") or r["Content-Type"].startswith("application/json")
    r = client.get(f"{BASE}/nothing.json")
    assert r.json() == [{"code": 404, "description": r.json()[0]["description"]}]


def test_service_list(client, o311_services):
    xml, js = both(client, "services")
    services = assert_equivalent(xml, js)
    assert isinstance(services, list)
    assert len(services) == Category.objects.filter(active=True).count()
    for service in services:
        validate(service, "service")
        assert isinstance(service["service_code"], str)
        assert service["metadata"] in (True, False) and service["type"] in ("realtime", "batch", "blackbox")
    by_code = {s["service_code"]: s for s in services}
    assert by_code["602015"] == {
        "service_code": "602015",
        "service_name": "城乡建设",
        "description": "城乡建设类问题",
        "metadata": True,
        "type": "realtime",
        "keywords": "井盖,道路",
        "group": "城乡建设",
    }
    assert by_code["602006"]["type"] == "batch" and by_code["602006"]["metadata"] is False
    assert by_code["602018"]["type"] == "blackbox"
    assert by_code["602001"]["keywords"] is None  # §10.2: every key present, null when empty


def test_service_list_is_an_array_with_one_service(client, org):
    Category.objects.exclude(code="602015").update(active=False)
    xml, js = both(client, "services")
    data = assert_equivalent(xml, js)
    assert isinstance(data, list) and len(data) == 1 and data[0]["service_code"] == "602015"
    assert xml.content.decode().count("<service>") == 1


def test_service_definition(client, o311_services):
    xml, js = both(client, "services/602015")
    data = assert_equivalent(xml, js)
    validate(data, "service-definition")
    assert data["service_code"] == "602015"
    assert [a["order"] for a in data["attributes"]] == [1, 2, 3, 4]
    kinds = {a["code"]: a for a in data["attributes"]}
    assert kinds["kind"]["values"] == [{"key": "1", "name": "设施损坏"}, {"key": "2", "name": "违章建设"}]
    assert kinds["hazards"]["datatype"] == "multivaluelist" and len(kinds["hazards"]["values"]) == 3
    assert "values" not in kinds["people"] and "values" not in kinds["note"]
    assert kinds["note"]["variable"] is False and kinds["kind"]["required"] is True
    assert kinds["kind"]["datatype_description"] is None


def test_service_without_questions_has_an_empty_attribute_list(client, o311_services):
    xml, js = both(client, "services/602001")
    assert assert_equivalent(xml, js) == {"service_code": "602001", "attributes": []}


def test_unknown_service_definition_is_404(client, org):
    xml, js = both(client, "services/NOPE")
    data = assert_equivalent(xml, js)
    assert js.status_code == 404
    assert data == [{"code": 404, "description": "未知的 service_code：NOPE"}]


def test_jurisdiction_id_is_optional_and_checked(client, org):
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "411621"}).status_code == 200
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": ""}).status_code == 200
    r = client.get(f"{BASE}/services.json", {"jurisdiction_id": "sfgov.org"})
    assert r.status_code == 404 and "jurisdiction_id" in r.json()[0]["description"]
