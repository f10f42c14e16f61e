"""The petition state machine as one screen of data.

Each business action names the states it may start from, the state it leads to, and the roles
that may take it. Services consult `ACTIONS`; a (state, action) pair not listed is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待登记")  # submitted on the portal, a clerk checks and registers it
    REGISTERED = "registered", _("待分办")
    DISPATCHED = "dispatched", _("待受理")
    ACCEPTED = "accepted", _("办理中")
    EXTENSION_PENDING = "extension_pending", _("延期待审批")
    REPLY_PENDING = "reply_pending", _("答复待审批")
    REPLIED = "replied", _("已答复待评价")
    # 不满意: the office that dispatched the case decides (回访研判) to have the unit handle it again
    # or to close it, telling the petitioner of the 复查 right (Art 35).
    REVISIT = "revisit", _("不满意待研判")
    CLOSED = "closed", _("已办结")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    REVIEWING = "reviewing", _("复查中")
    REVIEWED = "reviewed", _("复查已答复")
    RECHECKING = "rechecking", _("复核中")
    FINAL = "final", _("复核终结")

    @classmethod
    def terminal(cls) -> frozenset[Status]:
        return frozenset({cls.CLOSED, cls.NOT_ACCEPTED, cls.FINAL})


class Action(models.TextChoices):
    SUBMIT = "submit", _("网上提交")
    REGISTER = "register", _("登记")
    DISPATCH = "dispatch", _("转送/交办")
    HANDLE_DIRECTLY = "handle_directly", _("直接办理")
    REJECT = "reject", _("不予受理/不再受理")
    ACCEPT = "accept", _("受理")
    OBJECT = "object", _("提出异议")
    NOTE = "note", _("办理记录")
    MEDIATE = "mediate", _("调解记录")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("批准延期")
    REFUSE_EXTENSION = "refuse_extension", _("不批准延期")
    SUBMIT_REPLY = "submit_reply", _("提交处理意见书")
    APPROVE_REPLY = "approve_reply", _("审批通过并答复")
    RETURN_REPLY = "return_reply", _("退回修改")
    RATE = "rate", _("评价")
    RATE_UNSATISFIED = "rate_unsatisfied", _("评价不满意")
    REHANDLE = "rehandle", _("责成重新办理")
    CLOSE_UNSATISFIED = "close_unsatisfied", _("办结并告知复查权利")
    CLOSE = "close", _("办结归档")
    REQUEST_REVIEW = "request_review", _("申请复查")
    DECIDE_REVIEW = "decide_review", _("复查答复")
    REQUEST_RECHECK = "request_recheck", _("申请复核")
    DECIDE_RECHECK = "decide_recheck", _("复核答复")
    START_HEARING = "start_hearing", _("开始听证")
    END_HEARING = "end_hearing", _("结束听证")
    ATTACH = "attach", _("上传附件")
    RELEASE_IDENTITY = "release_identity", _("公开信访人身份")
    TAKE_ON = "take_on", _("领导包案")
    HAND_OVER = "hand_over", _("移交包案")
    RELEASE_LEADER = "release_leader", _("解除包案")
    RETURN_VISIT = "return_visit", _("回访")


S = Status


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status | None  # None: no change of state (a note, an attachment …)
    roles: frozenset[str]  # staff roles; "citizen" for the petitioner on the portal
    unit: str  # whose unit the actor must belong to: office | current | review | office_or_current | involved | any


OFFICE = frozenset({"dispatcher"})
CLERKS = frozenset({"clerk", "dispatcher"})
UNIT_STAFF = frozenset({"handler", "head"})
HEAD = frozenset({"head"})
CITIZEN = frozenset({"citizen"})
OPEN_WORK = frozenset({S.ACCEPTED, S.EXTENSION_PENDING, S.REPLY_PENDING})
ALL_OPEN = frozenset(set(Status) - set(Status.terminal()))

ACTIONS: dict[Action, Rule] = {
    Action.SUBMIT: Rule(frozenset(), S.SUBMITTED, CITIZEN, "any"),
    Action.REGISTER: Rule(frozenset({S.SUBMITTED}), S.REGISTERED, CLERKS, "office"),
    Action.DISPATCH: Rule(frozenset({S.REGISTERED}), S.DISPATCHED, OFFICE, "office"),
    Action.HANDLE_DIRECTLY: Rule(frozenset({S.REGISTERED}), S.ACCEPTED, OFFICE, "office"),
    Action.REJECT: Rule(
        frozenset({S.SUBMITTED, S.REGISTERED, S.DISPATCHED}), S.NOT_ACCEPTED, OFFICE | UNIT_STAFF, "office_or_current"
    ),
    Action.ACCEPT: Rule(frozenset({S.DISPATCHED}), S.ACCEPTED, UNIT_STAFF, "current"),
    Action.OBJECT: Rule(frozenset({S.DISPATCHED}), S.REGISTERED, UNIT_STAFF, "current"),
    Action.NOTE: Rule(OPEN_WORK | {S.DISPATCHED, S.REVIEWING, S.RECHECKING}, None, UNIT_STAFF | OFFICE, "involved"),
    Action.MEDIATE: Rule(OPEN_WORK, None, UNIT_STAFF, "current"),
    Action.REQUEST_EXTENSION: Rule(frozenset({S.ACCEPTED}), S.EXTENSION_PENDING, UNIT_STAFF, "current"),
    Action.APPROVE_EXTENSION: Rule(frozenset({S.EXTENSION_PENDING}), S.ACCEPTED, HEAD, "current"),
    Action.REFUSE_EXTENSION: Rule(frozenset({S.EXTENSION_PENDING}), S.ACCEPTED, HEAD, "current"),
    Action.SUBMIT_REPLY: Rule(frozenset({S.ACCEPTED}), S.REPLY_PENDING, UNIT_STAFF, "current"),
    Action.APPROVE_REPLY: Rule(frozenset({S.REPLY_PENDING}), S.REPLIED, HEAD, "current"),
    Action.RETURN_REPLY: Rule(frozenset({S.REPLY_PENDING}), S.ACCEPTED, HEAD, "current"),
    Action.RATE: Rule(frozenset({S.REPLIED}), S.CLOSED, CITIZEN | OFFICE, "office"),  # 满意 / 基本满意
    Action.RATE_UNSATISFIED: Rule(frozenset({S.REPLIED}), S.REVISIT, CITIZEN | OFFICE, "office"),
    Action.REHANDLE: Rule(frozenset({S.REVISIT}), S.ACCEPTED, OFFICE, "office"),
    Action.CLOSE_UNSATISFIED: Rule(frozenset({S.REVISIT}), S.CLOSED, OFFICE, "office"),
    Action.CLOSE: Rule(frozenset({S.REPLIED, S.REVIEWED}), S.CLOSED, OFFICE, "office"),
    # While the office weighs a 不满意 the petitioner's 30-day 复查 window (Art 35) keeps running.
    Action.REQUEST_REVIEW: Rule(frozenset({S.REPLIED, S.REVISIT, S.CLOSED}), S.REVIEWING, CITIZEN, "any"),
    Action.DECIDE_REVIEW: Rule(frozenset({S.REVIEWING}), S.REVIEWED, UNIT_STAFF, "review"),
    # From CLOSED only after a 复查 (review_level 1): the office filing the case must not end the
    # petitioner's 30-day 复核 window (Art 36); the service checks the level.
    Action.REQUEST_RECHECK: Rule(frozenset({S.REVIEWED, S.CLOSED}), S.RECHECKING, CITIZEN, "any"),
    Action.DECIDE_RECHECK: Rule(frozenset({S.RECHECKING}), S.FINAL, UNIT_STAFF, "review"),
    Action.START_HEARING: Rule(frozenset({S.RECHECKING}), None, UNIT_STAFF, "review"),
    Action.END_HEARING: Rule(frozenset({S.RECHECKING}), None, UNIT_STAFF, "review"),
    Action.ATTACH: Rule(ALL_OPEN, None, CLERKS | UNIT_STAFF, "office_or_current"),
    Action.RELEASE_IDENTITY: Rule(ALL_OPEN - {S.SUBMITTED}, None, OFFICE, "office"),
    Action.TAKE_ON: Rule(ALL_OPEN - {S.SUBMITTED}, None, frozenset({"leader"}), "any"),
    # The 包案 leader, or the registering office's dispatcher or head (the service checks which).
    Action.HAND_OVER: Rule(ALL_OPEN - {S.SUBMITTED}, None, frozenset({"leader", "dispatcher", "head"}), "any"),
    Action.RELEASE_LEADER: Rule(ALL_OPEN - {S.SUBMITTED}, None, frozenset({"leader", "dispatcher", "head"}), "any"),
    # 回访 (有信必复): the office calls the petitioner back after the reply, also after a 满意 close.
    Action.RETURN_VISIT: Rule(frozenset({S.REPLIED, S.REVISIT, S.CLOSED}), None, OFFICE, "office"),
}


def allowed(status: Status | str, action: Action | str) -> bool:
    rule = ACTIONS[Action(action)]
    return Status(status) in rule.sources


def target_of(status: Status | str, action: Action | str) -> Status:
    rule = ACTIONS[Action(action)]
    return rule.target if rule.target is not None else Status(status)


def actions_from(status: Status | str) -> list[Action]:
    return [a for a, rule in ACTIONS.items() if Status(status) in rule.sources]
