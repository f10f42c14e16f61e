"""Which workflow actions the case page offers, each with its form and the service it calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from xinfang.petitions.access import can_act

from .. import forms as f
from .. import services
from ..models import Petition
from ..workflow import Action, allowed


@dataclass(frozen=True)
class ActionSpec:
    key: str
    label: str
    actions: tuple[Action, ...]
    form: type[forms.Form]
    run: Callable[[Any, Petition, dict[str, Any]], Any]
    style: str = ""


def _kw(d: dict[str, Any], *names: str) -> dict[str, Any]:
    return {n: d[n] for n in names if n in d}


ACTION_SPECS: list[ActionSpec] = [
    ActionSpec(
        "register",
        "登记",
        (Action.REGISTER,),
        f.RegisterSubmittedForm,
        lambda u, p, d: services.petition_register_submitted(
            actor=u,
            petition_id=p.pk,
            category=d["category"],
            purpose=d["purpose"],
            is_repeat=d["is_repeat"],
            is_skip_level=d["is_skip_level"],
            note=d["note"],
        ),
    ),
    ActionSpec(
        "dispatch",
        "转送/交办",
        (Action.DISPATCH,),
        f.DispatchForm,
        lambda u, p, d: services.petition_dispatch(
            actor=u, petition_id=p.pk, **_kw(d, "unit", "mode", "note", "assign_due_date")
        ),
    ),
    ActionSpec(
        "handle_directly",
        "直接办理",
        (Action.HANDLE_DIRECTLY,),
        f.NoteForm,
        lambda u, p, d: services.petition_handle_directly(actor=u, petition_id=p.pk, note=d["note"]),
    ),
    ActionSpec(
        "accept",
        "受理",
        (Action.ACCEPT,),
        f.NoteForm,
        lambda u, p, d: services.petition_accept(actor=u, petition_id=p.pk, note=d["note"]),
    ),
    ActionSpec(
        "object",
        "提出异议（非本单位职责）",
        (Action.OBJECT,),
        f.ReasonForm,
        lambda u, p, d: services.petition_object(actor=u, petition_id=p.pk, reason=d["reason"]),
        "danger",
    ),
    ActionSpec(
        "reject",
        "不予受理/不再受理",
        (Action.REJECT,),
        f.RejectForm,
        lambda u, p, d: services.petition_reject(actor=u, petition_id=p.pk, **_kw(d, "reason", "legal_route", "final")),
        "danger",
    ),
    ActionSpec(
        "note",
        "办理/调解记录",
        (Action.NOTE, Action.MEDIATE),
        f.HandlingNoteForm,
        lambda u, p, d: services.petition_add_note(actor=u, petition_id=p.pk, **_kw(d, "note", "mediation", "public")),
    ),
    ActionSpec(
        "request_extension",
        "申请延期",
        (Action.REQUEST_EXTENSION,),
        f.ExtensionForm,
        lambda u, p, d: services.petition_request_extension(
            actor=u, petition_id=p.pk, days=d["days"], reason=d["reason"]
        ),
    ),
    ActionSpec(
        "decide_extension",
        "审批延期申请",
        (Action.APPROVE_EXTENSION,),
        f.DecisionForm,
        lambda u, p, d: services.petition_decide_extension(
            actor=u, petition_id=p.pk, approve=d["approve"], note=d["note"]
        ),
    ),
    ActionSpec(
        "submit_reply",
        "提交处理意见书",
        (Action.SUBMIT_REPLY,),
        f.ReplyForm,
        lambda u, p, d: services.petition_submit_reply(
            actor=u, petition_id=p.pk, **_kw(d, "outcome", "facts", "reasons", "basis", "opinion", "completion_report")
        ),
    ),
    ActionSpec(
        "decide_reply",
        "审批处理意见书",
        (Action.APPROVE_REPLY,),
        f.DecisionForm,
        lambda u, p, d: services.petition_decide_reply(actor=u, petition_id=p.pk, approve=d["approve"], note=d["note"]),
    ),
    ActionSpec(
        "rate",
        "录入回访评价",
        (Action.RATE,),
        f.RateForm,
        lambda u, p, d: services.petition_rate(
            actor=u, petition_id=p.pk, rating=d["rating"], comment=d["comment"], via="callback"
        ),
    ),
    ActionSpec(
        "return_visit",
        "回访",
        (Action.RETURN_VISIT,),
        f.ReturnVisitForm,
        lambda u, p, d: services.petition_return_visit(
            actor=u, petition_id=p.pk, **_kw(d, "method", "reached", "rating", "comment", "visited_at")
        ),
    ),
    ActionSpec(
        "rehandle",
        "不满意：责成承办单位重新办理",
        (Action.REHANDLE,),
        f.ReasonForm,
        lambda u, p, d: services.petition_rehandle(actor=u, petition_id=p.pk, reason=d["reason"]),
    ),
    ActionSpec(
        "close_unsatisfied",
        "不满意：办结并告知复查权利",
        (Action.CLOSE_UNSATISFIED,),
        f.RequiredNoteForm,
        lambda u, p, d: services.petition_close_unsatisfied(actor=u, petition_id=p.pk, note=d["note"]),
    ),
    ActionSpec(
        "close",
        "办结归档",
        (Action.CLOSE,),
        f.NoteForm,
        lambda u, p, d: services.petition_close(actor=u, petition_id=p.pk, note=d["note"]),
    ),
    ActionSpec(
        "decide_review",
        "复查答复",
        (Action.DECIDE_REVIEW,),
        f.ReviewDecisionForm,
        lambda u, p, d: services.petition_decide_review(
            actor=u, petition_id=p.pk, outcome=d["outcome"], text=d["text"]
        ),
    ),
    ActionSpec(
        "start_hearing",
        "开始听证（暂停计时）",
        (Action.START_HEARING,),
        f.NoteForm,
        lambda u, p, d: services.petition_hearing(actor=u, petition_id=p.pk, start=True, note=d["note"]),
    ),
    ActionSpec(
        "end_hearing",
        "结束听证（恢复计时）",
        (Action.END_HEARING,),
        f.NoteForm,
        lambda u, p, d: services.petition_hearing(actor=u, petition_id=p.pk, start=False, note=d["note"]),
    ),
    ActionSpec(
        "decide_recheck",
        "复核答复",
        (Action.DECIDE_RECHECK,),
        f.ReviewDecisionForm,
        lambda u, p, d: services.petition_decide_recheck(
            actor=u, petition_id=p.pk, outcome=d["outcome"], text=d["text"]
        ),
    ),
    ActionSpec(
        "attach",
        "上传附件",
        (Action.ATTACH,),
        f.AttachForm,
        lambda u, p, d: services.petition_attach(actor=u, petition_id=p.pk, files=d["files"], kind=d["kind"]),
    ),
    ActionSpec(
        "take_on",
        "领导包案",
        (Action.TAKE_ON,),
        f.NoteForm,
        lambda u, p, d: services.petition_take_on(actor=u, petition_id=p.pk, note=d["note"]),
    ),
    ActionSpec(
        "release_identity",
        "向承办单位公开信访人身份",
        (Action.RELEASE_IDENTITY,),
        f.ReasonForm,
        lambda u, p, d: services.petition_release_identity(actor=u, petition_id=p.pk, reason=d["reason"]),
    ),
]
SPEC_BY_KEY = {s.key: s for s in ACTION_SPECS}


def _spec_available(user: Any, petition: Petition, spec: ActionSpec) -> bool:
    action = spec.actions[0]
    if not allowed(petition.status, action) or not can_act(user, petition, action):
        return False
    if action in (Action.START_HEARING, Action.END_HEARING):
        return petition.hearing_open == (action == Action.END_HEARING)
    if action == Action.RELEASE_IDENTITY:
        return petition.confidential and not petition.identity_released
    if action == Action.TAKE_ON:
        return petition.leader_id is None
    return True
