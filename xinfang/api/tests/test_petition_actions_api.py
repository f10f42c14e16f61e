"""One endpoint per business action: the right role acts, the wrong one gets 403, a stranger 404,
a wrong state 409 — all with Chinese messages; each action leaves its Transition-like event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from xinfang.petitions.models import Event, Petition
from xinfang.petitions.tests.factories import advance, register

URL = "/api/v1/petitions/"

REPLY = {
    "outcome": "support",
    "facts": "经查属实",
    "reasons": "井盖破损影响通行安全",
    "basis": "《城市道路管理条例》",
    "opinion": "已于当日更换井盖。",
}


def act(tokens, who: str, number: str, path: str, body: dict[str, Any] | None = None):
    return tokens.client(who).post(f"{URL}{number}/{path}/", body or {}, format="json")


def stage(personas, to: str, **kwargs) -> Petition:
    p = register(personas.clerk, **kwargs).petition
    return p if to == "registered" else advance(p, to, personas=personas)


# (stage, path, body, right role, expected status after, wrong role that can see the case)
CASES = [
    ("registered", "dispatch", {"unit_code": "FG-SZS", "mode": "transfer"}, "dispatcher", "dispatched", "clerk"),
    (
        "registered",
        "reject",
        {"reason": "属于诉讼事项", "legal_route": "litigation"},
        "dispatcher",
        "not_accepted",
        "clerk",
    ),
    ("dispatched", "accept", {"note": "收到"}, "handler", "accepted", "dispatcher"),
    ("dispatched", "object", {"reason": "不属于本所职责"}, "handler", "registered", "dispatcher"),
    ("accepted", "notes", {"note": "已现场查看"}, "handler", "accepted", "clerk"),
    ("accepted", "extension", {"days": 20, "reason": "需要协调多个部门"}, "handler", "extension_pending", "clerk"),
    ("accepted", "reply", REPLY, "handler", "reply_pending", "dispatcher"),
    ("reply_pending", "reply/decision", {"approve": True}, "head", "replied", "handler"),
    ("replied", "rate", {"rating": "satisfied", "comment": "回访满意"}, "dispatcher", "closed", "handler"),
    ("replied", "close", {"note": "回访未评价"}, "dispatcher", "closed", "handler"),
]


@pytest.mark.parametrize(("at", "path", "body", "right", "after", "wrong"), CASES, ids=[c[1] for c in CASES])
def test_action_right_role_acts_wrong_role_403(tokens, personas, at, path, body, right, after, wrong):
    p = stage(personas, at)
    events_before = Event.objects.filter(petition=p).count()
    r = act(tokens, wrong, p.number, path, body)
    assert r.status_code == 403, r.json()
    assert r.json()["code"] == "not_permitted" and r.json()["message"].startswith("您的岗位不能对该信访事项执行")
    assert Event.objects.filter(petition=p).count() == events_before
    r = act(tokens, right, p.number, path, body)
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == after
    p.refresh_from_db()
    assert p.status == after
    assert Event.objects.filter(petition=p).count() == events_before + 1


@pytest.mark.parametrize("path", ["dispatch", "accept", "notes", "reply", "rate", "close", "review/decision"])
def test_outsider_gets_404_on_actions(tokens, personas, path):
    p = stage(personas, "accepted")
    r = act(tokens, "outsider", p.number, path, {"note": "x"})
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_invalid_transition_is_409_in_chinese(tokens, personas):
    p = stage(personas, "registered")
    r = act(tokens, "dispatcher", p.number, "accept")
    # The dispatcher can see it but the case is not at 待受理: the state is checked first.
    assert r.status_code == 409
    assert r.json() == {
        "code": "invalid_transition",
        "message": "该信访事项当前为“待分办”，不能执行“受理”",
        "errors": {},
    }


def test_objection_after_the_window_is_409_deadline_passed(tokens, personas):
    p = stage(personas, "dispatched")
    with time_machine.travel(timezone.now() + dt.timedelta(days=30), tick=False):
        r = act(tokens, "handler", p.number, "object", {"reason": "不属于本所职责"})
    assert r.status_code == 409
    assert r.json()["code"] == "deadline_passed" and "异议期限" in r.json()["message"]


def test_input_errors_are_400_with_fields(tokens, personas):
    p = stage(personas, "registered")
    r = act(tokens, "dispatcher", p.number, "dispatch", {"unit_code": "NOPE", "mode": "fly"})
    assert r.status_code == 400
    assert r.json()["errors"]["unit_code"] == ["未知的单位编码：NOPE"]
    assert "不是合法选项" in r.json()["errors"]["mode"][0]
    r = act(tokens, "dispatcher", p.number, "dispatch", {"unit_code": "FG-XFJ", "mode": "transfer"})
    assert r.status_code == 400  # a service rule, on its field
    assert r.json()["errors"] == {"unit": ["不能转送给本部门；如由信访部门直接办理，请选择“直接办理”"]}


def test_extension_decision_and_reply_return(tokens, personas):
    p = stage(personas, "accepted")
    due = p.due_date
    assert due is not None
    assert act(tokens, "handler", p.number, "extension", {"days": 20, "reason": "需协调"}).status_code == 200
    assert act(tokens, "handler", p.number, "extension/decision", {"approve": True}).status_code == 403
    r = act(tokens, "head", p.number, "extension/decision", {"approve": True, "note": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert dt.date.fromisoformat(r.json()["due_date"]) == due + dt.timedelta(days=20)
    assert act(tokens, "handler", p.number, "reply", REPLY).json()["status"] == "reply_pending"
    r = act(tokens, "head", p.number, "reply/decision", {"approve": False})
    assert r.status_code == 400 and r.json()["errors"] == {"note": ["退回修改时请写明意见"]}
    r = act(tokens, "head", p.number, "reply/decision", {"approve": False, "note": "事实部分再核实"})
    assert r.status_code == 200 and r.json()["status"] == "accepted"


def test_whole_lifecycle_through_the_api_with_review_and_recheck(tokens, register_body):
    r = tokens.client("dispatcher").post(URL, register_body, format="json")
    number, code = r.json()["number"], r.json()["query_code"]
    steps: list[tuple[str, str, dict[str, Any], str]] = [
        ("dispatcher", "dispatch", {"unit_code": "FG-SZS", "mode": "transfer"}, "dispatched"),
        ("handler", "accept", {}, "accepted"),
        ("handler", "reply", REPLY, "reply_pending"),
        ("head", "reply/decision", {"approve": True}, "replied"),
    ]
    for who, path, body, status in steps:
        r = act(tokens, who, number, path, body)
        assert r.status_code == 200, (path, r.json())
        assert r.json()["status"] == status
    # 复查: the petitioner's request, relayed by any system with the 查询码.
    r = act(tokens, "handler", number, "review", {"query_code": "AAAA-BBBB-CCCC-DDDD", "reason": "不服"})
    assert r.status_code == 404 and r.json()["message"] == "信访事项不存在或查询码不正确"
    r = act(tokens, "outsider", number, "review", {"query_code": code.lower(), "reason": "处理意见不公"})
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "reviewing" and r.json()["review_unit"]["code"] == "FG-GOV"
    assert act(tokens, "handler", number, "review/decision", {"outcome": "uphold", "text": "维持"}).status_code == 403
    r = act(tokens, "reviewer", number, "review/decision", {"outcome": "uphold", "text": "维持原处理意见"})
    assert r.status_code == 200 and r.json()["status"] == "reviewed"
    r = act(tokens, "clerk", number, "recheck", {"query_code": code, "reason": "仍不服"})
    assert r.status_code == 200 and r.json()["review_unit"]["code"] == "ZK-GOV"
    assert act(tokens, "reviewer", number, "recheck/decision", {"outcome": "uphold", "text": "维持"}).status_code == 403
    r = act(tokens, "city_reviewer", number, "recheck/decision", {"outcome": "uphold", "text": "复核维持"})
    assert r.status_code == 200 and r.json()["status"] == "final"
    # Nothing more can be requested.
    r = act(tokens, "clerk", number, "recheck", {"query_code": code, "reason": "再次"})
    assert r.status_code == 409 and r.json()["message"].startswith("该信访事项当前不能申请复核")
    actions = list(Event.objects.filter(petition__number=number).values_list("action", flat=True))
    assert actions == [
        "register",
        "dispatch",
        "accept",
        "submit_reply",
        "approve_reply",
        "request_review",
        "decide_review",
        "request_recheck",
        "decide_recheck",
    ]
