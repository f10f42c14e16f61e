"""Who sees which case: every persona × every kind of case × every way to reach a case."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xinfang.accounts.models import Role
from xinfang.accounts.tests.factories import make_user
from xinfang.petitions import services
from xinfang.petitions.tests.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(personas):
    org = personas.org
    city_clerk = make_user("city_clerk", org.city_office, Role.CLERK, Role.DISPATCHER)

    def dispatched(unit, *, by=personas.clerk, dispatcher=personas.dispatcher, **kw):
        p = register(by, **kw).petition
        services.petition_dispatch(actor=dispatcher, petition_id=p.pk, unit=unit, mode="transfer")
        p.refresh_from_db()
        return p

    return {
        "own": dispatched(org.municipal, title="甲：市政所承办"),
        "child": dispatched(org.township, title="乙：城关镇承办", area=org.chengguan),
        "sibling": dispatched(
            org.taikang_housing, by=city_clerk, dispatcher=city_clerk, title="丙：太康县", area=org.taikang
        ),
        "accusation": dispatched(
            org.discipline,
            title="丁：检举市政所",
            purpose="601004",
            accused_unit=org.municipal,
            accused_person="某所长",
        ),
        "confidential": dispatched(
            org.municipal,
            title="戊：保密信访人",
            confidential=True,
            petitioner={"name": "保密人", "phone": "13700001111"},
        ),
    }


EXPECTED = {
    "clerk": {"own", "child", "accusation", "confidential"},
    "dispatcher": {"own", "child", "accusation", "confidential"},
    "handler": {"own", "confidential"},
    "head": {"own", "confidential"},
    "reviewer": {"own", "child", "accusation", "confidential"},
    "outsider": {"sibling"},
    "supervisor": {"own", "child", "sibling", "accusation", "confidential"},
    "leader": {"own", "child", "accusation", "confidential"},
    "housing_handler": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_visibility_matrix(client, personas, cases, persona):
    user = getattr(personas, persona)
    client.force_login(user)
    expected = EXPECTED[persona]
    listing = client.get(reverse("petitions:list")).content.decode()
    assert f"共 {len(expected)} 件" in listing, "count"
    for key, p in cases.items():
        visible = key in expected
        assert (p.number in listing) == visible, f"list {key}"
        search = client.get(reverse("petitions:list"), {"q": p.number}).content.decode()
        # the search box and the column headers' sort links echo the query: look at the rows only
        results = search.split('<table class="plist">', 1)[1].split("<tbody>", 1)[1]
        assert (p.number in results) == visible, f"search {key}"
        detail = client.get(reverse("petitions:detail", args=[p.pk]))
        assert detail.status_code == (200 if visible else 404), f"detail {key}"
        for path in (f"/staff/petitions/{p.pk}/act/note/", f"/staff/petitions/{p.pk}/unmask/"):
            if not visible:
                assert client.post(path, {}).status_code == 404, f"write {key}"
        api_detail = client.get(f"/api/v1/petitions/{p.number}/")
        assert api_detail.status_code == (200 if visible else 404), f"api detail {key}"
    api_list = client.get("/api/v1/petitions/", {"page_size": 100}).json()
    assert {row["number"] for row in api_list["results"]} == {cases[k].number for k in expected}, "api list"
    export = client.get(reverse("petitions:io-export"))
    assert export.status_code == 200, "export"
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True).active
    exported = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    for key, p in cases.items():
        assert (p.number in exported) == (key in expected), f"export {key}"


@pytest.mark.parametrize(
    ("persona", "sees_identity", "sees_name"),
    [("dispatcher", True, True), ("handler", False, False), ("head", False, False), ("supervisor", True, False)],
)
def test_confidential_petitioner_hidden_from_handling_unit(client, personas, cases, persona, sees_identity, sees_name):
    p = cases["confidential"]
    client.force_login(getattr(personas, persona))
    body = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    # the full name for the registering office; the city's 督查员 (by area) knows who, masked (can_see_name)
    assert ("保密人" in body) == sees_name
    assert ("保**" in body) == (sees_identity and not sees_name)
    assert ("137****1111" in body) == sees_identity
    listing = client.get(reverse("petitions:list")).content.decode()
    assert "保密人" not in listing  # never in lists
    api = client.get(f"/api/v1/petitions/{p.number}/").content.decode("utf-8")
    # the API shows the same as the page: the full name where the page does, the masked one otherwise
    assert ("保密人" in api) == sees_name and ("保**" in api) == (sees_identity and not sees_name)
    assert "13700001111" not in api


def test_released_identity_becomes_visible_with_reason(client, personas, cases):
    p = cases["confidential"]
    services.petition_release_identity(actor=personas.dispatcher, petition_id=p.pk, reason="需电话核实现场位置")
    client.force_login(personas.handler)
    assert "保密人" in client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert p.events.filter(action="release_identity", note="需电话核实现场位置").exists()


def test_accused_unit_cannot_see_even_after_reassignment(client, personas, cases):
    """Even if an administrator moves the case to the accused unit, its users cannot see it."""
    from xinfang.petitions.models import Petition

    p = cases["accusation"]
    Petition.objects.filter(pk=p.pk).update(
        current_unit=personas.org.municipal, current_path=personas.org.municipal.path
    )
    client.force_login(personas.handler)
    assert client.get(reverse("petitions:detail", args=[p.pk])).status_code == 404
    assert p.number not in client.get(reverse("petitions:list")).content.decode()
