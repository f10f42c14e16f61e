from __future__ import annotations

from django.test import Client
from django.urls import reverse

from xinfang.petitions import services
from xinfang.petitions.tests.factories import VALID_ID, advance

from .conftest import unlock


def case_html(client: Client, petition) -> str:
    response = client.get(reverse("portal:case", args=[petition.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_shows_public_steps_but_not_internal_notes_or_staff(client, personas, registered_case):
    p = advance(registered_case.petition, "accepted", personas=personas)
    services.petition_add_note(actor=personas.handler, petition_id=p.pk, note="内部记录：已约谈某某，勿外传")
    services.petition_add_note(actor=personas.handler, petition_id=p.pk, note="已到现场查看，正在组织维修", public=True)
    unlock(client, registered_case)
    html = case_html(client, p)

    assert "登记您的信访事项" in html  # 登记
    assert "转送至扶沟县市政所" in html  # 转送
    assert "受理告知" in html  # 受理告知
    assert "已到现场查看，正在组织维修" in html  # a public note
    assert "已受理，正在办理" in html
    assert "内部记录：已约谈某某，勿外传" not in html
    for staff in ("登记员小李", "分办员老张", "市政所小王", "市政所刘所长"):
        assert staff not in html
    # personal data: only the masked phone
    assert "138****5678" in html
    assert "13812345678" not in html
    assert "王大爷" not in html
    assert VALID_ID not in html and "1101" not in html
    assert "扶沟县建设街" not in html


def test_shows_the_deadlines_that_concern_the_citizen(client, personas, registered_case):
    p = advance(registered_case.petition, "accepted", personas=personas)
    unlock(client, registered_case)
    html = case_html(client, p)
    assert "办理并书面答复" in html and "第三十四条" in html
    assert "提出异议" not in html  # between organs only


def test_replied_case_shows_the_reply_the_review_window_and_the_rate_form(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    unlock(client, registered_case)
    html = case_html(client, p)
    assert "处理意见书" in html and "已于当日更换井盖" in html
    assert "您请求复查的截止日期" in html
    assert 'id="rate-form"' in html and 'id="review-form"' in html
    assert 'id="recheck-form"' not in html


def test_open_case_shows_no_forms(client, personas, registered_case):
    unlock(client, registered_case)
    html = case_html(client, registered_case.petition)
    assert 'id="rate-form"' not in html and 'id="review-form"' not in html and 'id="recheck-form"' not in html


def test_reviewed_case_shows_the_recheck_form(client, personas, registered_case):
    p = advance(registered_case.petition, "replied", personas=personas)
    services.petition_request_review(petition_id=p.pk, reason="不服")
    services.petition_decide_review(actor=personas.reviewer, petition_id=p.pk, outcome="uphold", text="维持。")
    unlock(client, registered_case)
    html = case_html(client, p)
    assert 'id="recheck-form"' in html and 'id="review-form"' not in html and 'id="rate-form"' not in html
    assert "复查意见书" in html and "您请求复核的截止日期" in html
    assert "县政府复查员" not in html
