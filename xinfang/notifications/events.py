"""The events that become messages, who they are for, and the Chinese text each starts with.

The texts here seed `MessageTemplate` (migration 0002) and are the fallback when an administrator has
removed a row; the administrator edits the rows. Placeholders: {number} 编号, {title} 标题, {text} the
petitioner's notice (petitions.notices), {unit} 单位, {link} the portal page, {query_code} 查询码 (sealed:
never stored in clear), {subject} the staff subject line, {detail} further lines, {site} the site name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    # To the petitioner
    SUBMITTED = "submitted", _("网上信访已提交")
    REGISTERED = "registered", _("已登记")
    DISPATCHED_PETITIONER = "dispatched_petitioner", _("已转送交办（告知信访人）")
    ACCEPTED = "accepted", _("受理告知")
    NOT_ACCEPTED = "not_accepted", _("不予受理告知")
    EXTENDED = "extended", _("延期告知")
    REPLIED = "replied", _("答复已出具")
    REHANDLE_PETITIONER = "rehandle_petitioner", _("重新办理告知")
    REVIEW_DECIDED = "review_decided", _("复查意见")
    RECHECK_DECIDED = "recheck_decided", _("复核意见")
    RETURN_VISIT = "return_visit", _("回访（请评价）")
    # To units and staff
    NEW_ONLINE = "new_online", _("新的网上信访待登记")
    NEW_CASE = "new_case", _("新登记待分办")
    DISPATCHED = "dispatched", _("新的转送交办件")
    OBJECTION = "objection", _("异议退回")
    EXTENSION_PENDING = "extension_pending", _("延期待审批")
    REPLY_PENDING = "reply_pending", _("答复待审批")
    REPLY_RETURNED = "reply_returned", _("答复被退回修改")
    UNSATISFIED = "unsatisfied", _("不满意待研判")
    REHANDLE = "rehandle", _("责成重新办理")
    REVIEW_ASSIGNED = "review_assigned", _("新的复查/复核申请")
    DEADLINE_SOON = "deadline_soon", _("期限即将到期")
    DEADLINE_OVERDUE = "deadline_overdue", _("期限已超期")
    RETURN_VISIT_DUE = "return_visit_due", _("回访任务")
    SUPERVISION_ISSUED = "supervision_issued", _("督办单")
    CLUE_URGENT = "clue_urgent", _("紧急线索")


PETITIONER_EVENTS = frozenset(
    {
        Event.SUBMITTED,
        Event.REGISTERED,
        Event.DISPATCHED_PETITIONER,
        Event.ACCEPTED,
        Event.NOT_ACCEPTED,
        Event.EXTENDED,
        Event.REPLIED,
        Event.REHANDLE_PETITIONER,
        Event.REVIEW_DECIDED,
        Event.RECHECK_DECIDED,
        Event.RETURN_VISIT,
    }
)
# Urgent: an SMS goes out at night too, and staff who chose SMS get these (and only these) by SMS.
URGENT_EVENTS = frozenset({Event.DEADLINE_OVERDUE, Event.SUPERVISION_ISSUED, Event.CLUE_URGENT})


@dataclass(frozen=True)
class DefaultTemplate:
    subject: str
    body: str
    params: tuple[str, ...] = ()


_P_SMS = "【{site}】{text}"
_P_MAIL = "{text}\n\n信访件编号：{number}\n查询办理情况：{link}"
_STAFF = "{subject}\n{detail}"

DEFAULTS: dict[tuple[str, str], DefaultTemplate] = {}
for _ev in PETITIONER_EVENTS:
    DEFAULTS[(_ev, "sms")] = DefaultTemplate("", _P_SMS + " 详见{link}", ("number", "link"))
    DEFAULTS[(_ev, "email")] = DefaultTemplate(f"信访事项{{number}}：{Event(_ev).label}", _P_MAIL)
# Registered, or submitted online: the 查询码 line only where the petitioner asked for it by SMS.
for _ev in (Event.REGISTERED, Event.SUBMITTED):
    DEFAULTS[(_ev, "sms")] = DefaultTemplate(
        "", "【{site}】{text}{query_code_line}查询办理情况：{link}", ("number", "link")
    )
DEFAULTS[(Event.REPLIED, "sms")] = DefaultTemplate(
    "", "【{site}】您的信访事项{number}已作出书面答复，请查阅并评价：{link}", ("number", "link")
)
DEFAULTS[(Event.RETURN_VISIT, "sms")] = DefaultTemplate(
    "",
    "【{site}】回访：您的信访事项{number}已答复，请回复1满意、2基本满意、3不满意，或在{link}评价。",
    ("number", "link"),
)
for _ev in set(Event) - PETITIONER_EVENTS:
    DEFAULTS[(_ev, "inbox")] = DefaultTemplate("{subject}", "{detail}")
    DEFAULTS[(_ev, "email")] = DefaultTemplate("{subject}", _STAFF)
    DEFAULTS[(_ev, "sms")] = DefaultTemplate("", "【{site}】{subject}", ("subject",))
