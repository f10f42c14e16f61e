from __future__ import annotations

import pytest
from django.urls import reverse

from xinfang.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = User.objects.create_user(username="dl-staff", password="pass-word-123", full_name="测试员")
    client.force_login(user)
    return client


def test_login_required(client) -> None:
    response = client.get(reverse("deadlines:calculator"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_empty_form_renders(staff_client) -> None:
    response = staff_client.get(reverse("deadlines:calculator"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "期限计算器" in body
    assert 'value="objection"' in body


def test_shows_due_date_basis_and_skipped_days(staff_client) -> None:
    response = staff_client.get(reverse("deadlines:calculator"), {"rule": "objection", "start": "2024-09-27"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2024年10月10日" in body
    assert "《信访工作条例》第二十三条第三款" in body
    assert "2024年10月1日（国庆节）" in body
    assert "预计" not in body.split('id="result"')[1]


def test_estimated_result_is_marked(staff_client) -> None:
    response = staff_client.get(reverse("deadlines:calculator"), {"rule": "objection", "start": "2026-12-28"})
    body = response.content.decode()
    assert "2027年1月4日" in body
    assert "预计" in body


def test_local_rule_with_area_code(staff_client, world) -> None:
    from xinfang.deadlines.models import TimeLimitRule

    TimeLimitRule.objects.filter(area_code="41").update(active=True)
    response = staff_client.get(
        reverse("deadlines:calculator"), {"rule": "handle", "start": "2026-09-01", "area": "411621"}
    )
    assert "2026年10月1日" in response.content.decode()


def test_invalid_input_shows_errors(staff_client) -> None:
    response = staff_client.get(reverse("deadlines:calculator"), {"rule": "nope", "start": "2026-13-40"})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    response = staff_client.get(
        reverse("deadlines:calculator"), {"rule": "handle", "start": "2026-09-01", "area": "999999"}
    )
    assert "未知的区划代码" in response.content.decode()
