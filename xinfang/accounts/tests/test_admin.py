"""Administrators maintain areas, units, users, categories and routing rules; areas and units from CSV."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xinfang.accounts.models import Area, Unit, User
from xinfang.core.models import AuditEvent
from xinfang.core.testing.nothing_written import writes_nothing

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, personas):
    admin = User.objects.create_superuser("root", password="pass-word-123")
    client.force_login(admin)
    return client


@pytest.mark.parametrize("name", ["area", "unit", "user", "category", "routingrule", "auditevent"])
def test_admin_changelists_render(admin_client, name):
    app = {
        "area": "accounts",
        "unit": "accounts",
        "user": "accounts",
        "category": "routing",
        "routingrule": "routing",
        "auditevent": "core",
    }[name]
    assert admin_client.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 200


def test_import_areas_and_units_from_csv(admin_client, personas):
    areas = "区划代码,名称,层级,上级代码\n411622,西华县,县区,4116\n411622100,城关镇,乡镇街道,411622\n"
    r = admin_client.post(
        reverse("admin:area_import"), {"file": SimpleUploadedFile("a.csv", areas.encode("utf-8-sig"))}
    )
    assert r.status_code == 302
    assert Area.objects.get(code="411622100").path == "/41/4116/411622/411622100/"
    units = "单位编码,单位名称,类别,区划代码,上级单位编码\nXH-GOV,西华县委县政府,党委政府,411622,ZK-GOV\nXH-XFJ,西华县信访局,信访部门,411622,XH-GOV\n"
    r = admin_client.post(reverse("admin:unit_import"), {"file": SimpleUploadedFile("u.csv", units.encode("gb18030"))})
    assert r.status_code == 302
    office = Unit.objects.get(code="XH-XFJ")
    assert office.path.startswith(Unit.objects.get(code="ZK-GOV").path)
    assert AuditEvent.objects.filter(action="unit.import").exists()


def test_bad_csv_reports_rows_and_imports_nothing(admin_client, personas):
    units = "单位编码,单位名称,类别,区划代码,上级单位编码\nOK-1,好单位,职能部门,411621,\nBAD-1,坏单位,外星部门,999999,NOPE\n"
    with writes_nothing():
        r = admin_client.post(reverse("admin:unit_import"), {"file": SimpleUploadedFile("u.csv", units.encode())})
    assert r.status_code == 400
    body = r.content.decode()
    assert "第3行" in body and "外星部门" in body and "999999" in body
    assert not Unit.objects.filter(code__in=["OK-1", "BAD-1"]).exists()


def test_audit_records_cannot_be_changed_in_admin(admin_client, personas):
    event = AuditEvent.objects.first()
    assert event is not None
    url = reverse("admin:core_auditevent_change", args=[event.pk])
    with writes_nothing(event):
        r = admin_client.post(url, {"action": "tampered"})
        assert r.status_code in (403, 200)
        delete = admin_client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"})
        assert delete.status_code == 403
    event.refresh_from_db()
    assert event.action != "tampered"


def test_moving_a_unit_keeps_case_scoping_right(personas):
    """Moving 市政所 under 城关镇 moves its subtree path and the copies on its cases."""
    from xinfang.accounts.services import unit_upsert
    from xinfang.accounts.tests.factories import make_user
    from xinfang.petitions.access import petitions_visible_to
    from xinfang.petitions.tests.factories import advance, register

    org = personas.org
    p = advance(register(personas.clerk).petition, "dispatched", personas=personas)
    township_head = make_user("township_head", org.township, "head")
    assert not petitions_visible_to(township_head).filter(pk=p.pk).exists()
    unit_upsert(
        code=org.municipal.code, name=org.municipal.name, kind=org.municipal.kind, area=org.fugou, parent=org.township
    )
    p.refresh_from_db()
    org.municipal.refresh_from_db()
    assert org.municipal.path.startswith(org.township.path)
    assert p.current_path == org.municipal.path
    assert petitions_visible_to(township_head).filter(pk=p.pk).exists()
