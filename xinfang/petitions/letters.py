"""The seven letters of a case's lifecycle (书面告知): who writes to whom, what they say, which articles of
《信访工作条例》 apply and which real unit (the level above in the organisation tree) the petitioner may turn
to next. Pure composition from the case; `notices_docs` renders, numbers, stores and delivers them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from xinfang.accounts.models import Unit
from xinfang.core.errors import ValidationFailed
from xinfang.core.timeutil import format_cn_date, local_date
from xinfang.documents import services as docs
from xinfang.documents.models import Document
from xinfang.petitions.deadlines.models import Deadline

from .models import Channel, DispatchMode, Event, Outcome, Petition, ReviewOutcome
from .workflow import Action, Status

SUBJECT = "petition"  # the documents' subject_type of a case's notices

OUTCOME_SENTENCES = {
    Outcome.SUPPORT: "经研究，本机关对您的诉求予以支持。",
    Outcome.EXPLAIN: "经研究，您的诉求有一定合理性，但缺乏法律、法规、规章或者其他有关规定的依据，本机关向您作出解释说明。",
    Outcome.NOT_SUPPORTED: "经研究，您的诉求缺乏事实根据或者不符合法律、法规、规章或者其他有关规定，本机关不予支持。",
}
REVIEW_SENTENCES = {
    ReviewOutcome.UPHOLD: "决定维持原处理意见。",
    ReviewOutcome.CHANGE: "决定变更原处理意见。",
    ReviewOutcome.REVOKE: "决定撤销原处理意见，责令原办理机关重新办理。",
}
# 诉访分离 (Art 28, 31): each route told as the sentence a letter says, with its article.
ROUTE_SENTENCES = {
    "litigation": "根据《信访工作条例》第二十八条、第三十一条第（一）项的规定，您反映的事项应当通过诉讼途径解决，请依法向人民法院提起诉讼。",
    "arbitration": "根据《信访工作条例》第三十一条第（二）项的规定，您反映的事项应当通过仲裁途径解决，请依法申请仲裁。",
    "reconsideration": "根据《信访工作条例》第三十一条第（四）项的规定，您反映的事项应当通过行政复议途径解决，请依法申请行政复议。",
    "discipline": "根据《信访工作条例》第二十二条第二款的规定，检举控告类事项由纪检监察机关处理，请向纪检监察机关提出。",
    "party_appeal": "根据《信访工作条例》第三十一条第（三）项的规定，请按照党员申诉的有关规定提出申诉。",
    "procuratorate": "根据《信访工作条例》第二十八条、第三十一条第（一）项的规定，请依法向人民检察院申诉或者控告。",
    "finished": "该事项已经复核终结。根据《信访工作条例》第三十六条第三款的规定，同一事实和理由提出的信访事项不再受理。",
    "accepted_below": "该事项已由有关机关受理且仍在法定办理期限内。根据《信访工作条例》第十九条第三款的规定，本机关不再重复受理，请等候原受理机关答复。",
    "other": "请通过法律、法规规定的其他途径依法解决。",
}
TERMINAL_PUNCT = "。；;，,.！!？?"


@dataclass(frozen=True)
class NoticeSpec:
    label: str
    word: str  # added to the issuer's 机关代字: 扶信 + 转 → 扶信转〔2026〕15号
    for_petitioner: bool
    ready: Callable[[Petition], bool]
    not_ready: str


def _has_event(petition: Petition, action: Action) -> bool:
    return petition.events.filter(action=action).exists()


SPECS: dict[str, NoticeSpec] = {
    "acceptance": NoticeSpec("受理告知书", "受", True, lambda p: p.accepted_at is not None, "尚未受理"),
    "rejection": NoticeSpec(
        "不予受理告知书", "不受", True, lambda p: p.status == Status.NOT_ACCEPTED, "不是不予受理的信访事项"
    ),
    "transfer": NoticeSpec(
        "转送交办函",
        "转",
        False,
        lambda p: (
            p.dispatch_mode in (DispatchMode.TRANSFER, DispatchMode.ASSIGN)
            and p.current_unit_id is not None
            and p.status not in (Status.SUBMITTED, Status.REGISTERED)
        ),
        "尚未转送或交办",
    ),
    "extension": NoticeSpec(
        "延期告知书", "延", True, lambda p: _has_event(p, Action.APPROVE_EXTENSION), "没有经批准的延期"
    ),
    "reply": NoticeSpec(
        "信访处理意见书", "处", True, lambda p: p.replied_at is not None and bool(p.reply_outcome), "尚未答复"
    ),
    "review": NoticeSpec("复查意见书", "复查", True, lambda p: bool(p.review_outcome), "尚未作出复查意见"),
    "recheck": NoticeSpec("复核意见书", "复核", True, lambda p: bool(p.recheck_outcome), "尚未作出复核意见"),
}


# ---------------------------------------------------------------- small pieces of a letter


def _sentence(text: str) -> str:
    """A field as a sentence of the letter: trimmed, one full stop at the end, no doubled punctuation."""
    text = " ".join((text or "").split())
    return text.rstrip(TERMINAL_PUNCT) + "。" if text else ""


def _paragraphs(text: str) -> list[str]:
    return [_sentence(line) for line in (text or "").splitlines() if line.strip()]


def doc_date(day: dt.date) -> str:
    return docs.format_doc_date(day, style=getattr(settings, "XINFANG_DOC_DATE_STYLE", "chinese"))


def abbreviation(unit: Unit) -> str:
    """机关代字: the unit's 简称 where set, else the first character of its area and of its own name
    (扶沟县信访局 → 扶信). An office sets 简称 to what it actually prints."""
    if unit.short_name:
        return unit.short_name
    own = unit.name.removeprefix(unit.area.name) or unit.name
    return unit.area.name[:1] + own[:1]


def _above(unit: Unit | None) -> Unit | None:
    return Unit.objects.select_related("area").filter(pk=unit.parent_id).first() if unit and unit.parent_id else None


def _organ_with_contact(unit: Unit) -> str:
    extra = "，".join(
        x for x in (f"地址：{unit.address}" if unit.address else "", f"电话：{unit.phone}" if unit.phone else "") if x
    )
    return f"{unit.name}（{extra}）" if extra else unit.name


def _event(petition: Petition, action: Action) -> Event | None:
    return petition.events.select_related("unit").filter(action=action).order_by("-at", "-id").first()


def _petitioner(petition: Petition, *, for_unit: bool) -> str:
    if for_unit and petition.confidential and not petition.identity_released:
        return "信访人（身份保密）"
    return petition.petitioner_name or "信访人"


def _raised(petition: Petition) -> str:
    """ "您于2026年3月2日以来信方式反映的“建设街窨井盖破损”问题" — the opening every notice shares."""
    return (
        f"{format_cn_date(local_date(petition.received_at))}以{Channel(petition.channel).label}方式反映的"
        f"“{petition.title}”问题"
    )


def _last_doc_number(petition: Petition, kind: str) -> str:
    doc = Document.objects.filter(subject_type=SUBJECT, subject_id=petition.pk, kind=kind).order_by("-version").first()
    return doc.doc_number if doc else ""


def _handle_due(petition: Petition) -> dt.date | None:
    row = (
        Deadline.objects.filter(petition_id=petition.pk, code="handle")
        .exclude(status=Deadline.Status.CANCELLED)
        .order_by("-id")
        .first()
    )
    return row.due_date if row else None


# ---------------------------------------------------------------- the seven letters


@dataclass
class Letter:
    issuer: Unit
    addressee: str
    title: str
    body: list[str]
    attachments: list[str]
    cc: list[Unit]


def _acceptance(p: Petition) -> Letter:
    unit = p.current_unit or p.office_unit
    via = (
        f"经{p.office_unit.name}{DispatchMode(p.dispatch_mode).label}本机关，"
        if p.dispatch_mode in (DispatchMode.TRANSFER, DispatchMode.ASSIGN)
        else ""
    )
    accepted = format_cn_date(local_date(p.accepted_at))
    body = [
        f"您于{_raised(p)}，{via}本机关已于{accepted}依法受理（信访件编号：{p.number}）。",
        "根据《信访工作条例》第二十三条、第三十四条的规定，本机关将自受理之日起60日内办结，并书面答复您；"
        "情况复杂的，经本机关负责人批准，可以适当延长办理期限，但延长期限不超过30日，并告知您延期理由。",
        "办理期间，您可以凭信访件编号和查询码在网上信访平台查询办理进展和结果。",
        "特此告知。",
    ]
    return Letter(unit, _petitioner(p, for_unit=False), "受理告知书", body, [], [])


def _rejection(p: Petition) -> Letter:
    ev = _event(p, Action.REJECT)
    unit = (ev.unit if ev and ev.unit else None) or p.office_unit
    kind, _, reason = p.not_accepted_reason.partition("：")
    if not reason:
        kind, reason = "不予受理", p.not_accepted_reason
    title = "不再受理告知书" if kind == "不再受理" else "不予受理告知书"
    body = [
        f"您于{_raised(p)}（信访件编号：{p.number}），经本机关审查，决定{kind}。",
        f"理由是：{_sentence(reason)}",
        ROUTE_SENTENCES.get(p.legal_route, ROUTE_SENTENCES["other"]),
        "特此告知。",
    ]
    cc = [p.office_unit] if unit.pk != p.office_unit_id else []
    return Letter(unit, _petitioner(p, for_unit=False), title, body, [], cc)


def _transfer(p: Petition) -> Letter:
    unit = p.current_unit
    assert unit is not None  # SPECS["transfer"].ready
    assign = p.dispatch_mode == DispatchMode.ASSIGN
    mode = DispatchMode(p.dispatch_mode).label
    who = _petitioner(p, for_unit=True)
    body = [
        f"现将{who}于{_raised(p)}（信访件编号：{p.number}）{mode}你单位，"
        "请按照“属地管理、分级负责，谁主管、谁负责”的原则，依照《信访工作条例》第二十二条、第二十三条的规定办理。",
        "请你单位自收到之日起15日内决定是否受理，并书面告知信访人；经审查不属于你单位职责范围的，"
        "请自收到之日起5个工作日内向本机关提出异议并说明理由。依法受理的，应当自受理之日起60日内办结，"
        "并书面答复信访人（《信访工作条例》第三十四条）。",
    ]
    if assign:
        due = (
            f"请于{format_cn_date(p.assign_due_date)}前办结"
            if p.assign_due_date
            else "请在《信访工作条例》规定的期限内办结"
        )
        body.append(
            f"本事项为交办件，{due}，并向本机关报送办结报告。办结报告应当写明：信访人的诉求，查明的事实，"
            "处理意见及其依据，书面答复信访人的时间和方式，信访人的评价意见，以及矛盾化解和稳控情况。"
        )
    if p.is_accusation:
        body.append(
            "本件属检举控告类事项，请严格遵守《信访工作条例》第三十条的规定，不得将检举、揭发材料以及有关情况"
            "透露或者转给被检举、揭发的人员或者单位。"
        )
    body.append(f"信访人反映的主要内容：{_sentence(p.content)}")
    title = "信访事项交办函" if assign else "信访事项转送函"
    return Letter(p.office_unit, unit.name, title, body, ["信访事项登记信息及相关材料"], [])


def _extension(p: Petition) -> Letter:
    unit = p.current_unit or p.office_unit
    ev = _event(p, Action.APPROVE_EXTENSION)
    days = int((ev.data or {}).get("days") or 0) if ev else 0
    reason = _sentence(p.extension_reason).rstrip("。").removeprefix("因")
    due = _handle_due(p)
    until = f"，延长至{format_cn_date(due)}" if due else ""
    accepted = format_cn_date(local_date(p.accepted_at)) if p.accepted_at else ""
    body = [
        f"您于{_raised(p)}（信访件编号：{p.number}），本机关已于{accepted}依法受理。",
        f"因{reason}，该事项在60日内难以办结。根据《信访工作条例》第三十四条的规定，经本机关负责人批准，"
        f"办理期限延长{days}日{until}。",
        "本机关将在延长期限内办结并书面答复您。",
        "特此告知。",
    ]
    return Letter(unit, _petitioner(p, for_unit=False), "延期告知书", body, [], [])


def _reply(p: Petition) -> Letter:
    unit = p.current_unit or p.office_unit
    above = _above(unit)
    if above is None:
        raise ValidationFailed(f"{unit.name}在组织机构中没有上一级机关，无法写明复查机关，请先维护组织机构")
    accepted = format_cn_date(local_date(p.accepted_at)) if p.accepted_at else ""
    opinion = p.reply_opinion.strip()
    label = str(Outcome(p.reply_outcome).label)
    for lead in (f"{label}。", f"{label}，", label):  # the outcome is said once, in OUTCOME_SENTENCES
        if opinion.startswith(lead) and len(opinion) > len(lead):
            opinion = opinion[len(lead) :]
            break
    body = [
        f"您于{_raised(p)}（信访件编号：{p.number}），本机关已于{accepted}依法受理。"
        "根据《信访工作条例》第三十一条、第三十二条的规定，经调查核实，现将处理意见答复如下：",
        f"一、您的诉求。{_sentence(p.content)}",
        f"二、查明的事实。{_sentence(p.reply_facts)}",
        f"三、处理理由及依据。{_sentence(p.reply_reasons)}本意见的依据是：{_sentence(p.reply_basis)}",
        f"四、处理意见。{OUTCOME_SENTENCES[Outcome(p.reply_outcome)]}{_sentence(opinion)}",
        f"如您对本处理意见不服，可以自收到本意见书之日起30日内，向{_organ_with_contact(above)}书面提出复查请求"
        "（《信访工作条例》第三十五条）。",
        "特此答复。",
    ]
    cc = [p.office_unit] if unit.pk != p.office_unit_id else []
    return Letter(unit, _petitioner(p, for_unit=False), "信访处理意见书", body, [], cc)


def _review_unit(p: Petition, decide: Action, request: Action) -> Unit:
    ev = _event(p, decide)
    if ev and ev.unit:
        return ev.unit
    req = _event(p, request)
    unit_id = (req.data or {}).get("review_unit") if req else None
    unit = Unit.objects.select_related("area").filter(pk=unit_id).first() if unit_id else None
    return unit or p.review_unit or p.office_unit


def _review(p: Petition) -> Letter:
    reviewer = _review_unit(p, Action.DECIDE_REVIEW, Action.REQUEST_REVIEW)
    handler = p.current_unit or p.office_unit
    above = _above(reviewer)
    if above is None:
        raise ValidationFailed(f"{reviewer.name}在组织机构中没有上一级机关，无法写明复核机关，请先维护组织机构")
    req = _event(p, Action.REQUEST_REVIEW)
    asked = f"于{format_cn_date(local_date(req.at))}" if req else ""
    number = _last_doc_number(p, "reply")
    original = f"信访处理意见（{number}）" if number else "信访处理意见"
    body = [
        f"您因不服{handler.name}就您反映的“{p.title}”问题（信访件编号：{p.number}）作出的{original}，"
        f"{asked}向本机关提出复查请求。根据《信访工作条例》第三十五条的规定，本机关进行了复查，现答复如下：",
        f"经复查，本机关{REVIEW_SENTENCES[ReviewOutcome(p.review_outcome)]}",
        *_paragraphs(p.review_text),
        f"如您对本复查意见不服，可以自收到本意见书之日起30日内，向{_organ_with_contact(above)}书面提出复核请求"
        "（《信访工作条例》第三十六条）。",
        "特此答复。",
    ]
    cc = [u for u in (handler, p.office_unit) if u.pk != reviewer.pk]
    return Letter(reviewer, _petitioner(p, for_unit=False), "复查意见书", body, [], list(dict.fromkeys(cc)))


def _recheck(p: Petition) -> Letter:
    checker = _review_unit(p, Action.DECIDE_RECHECK, Action.REQUEST_RECHECK)
    reviewer = _review_unit(p, Action.DECIDE_REVIEW, Action.REQUEST_REVIEW)
    req = _event(p, Action.REQUEST_RECHECK)
    asked = f"于{format_cn_date(local_date(req.at))}" if req else ""
    heard = "，其间依法组织了听证（听证时间不计入复核期限）" if _has_event(p, Action.START_HEARING) else ""
    number = _last_doc_number(p, "review")
    original = f"复查意见（{number}）" if number else "复查意见"
    body = [
        f"您因不服{reviewer.name}就您反映的“{p.title}”问题（信访件编号：{p.number}）作出的{original}，"
        f"{asked}向本机关提出复核请求。根据《信访工作条例》第三十六条的规定，本机关进行了复核{heard}，现答复如下：",
        f"经复核，本机关{REVIEW_SENTENCES[ReviewOutcome(p.recheck_outcome)]}",
        *_paragraphs(p.recheck_text),
        "本复核意见为终结意见。根据《信访工作条例》第三十六条第三款的规定，您以同一事实和理由再提出信访事项的，"
        "各级机关不再受理。",
        "特此答复。",
    ]
    cc = [u for u in (reviewer, p.current_unit, p.office_unit) if u is not None and u.pk != checker.pk]
    return Letter(checker, _petitioner(p, for_unit=False), "复核意见书", body, [], list(dict.fromkeys(cc)))


COMPOSERS: dict[str, Callable[[Petition], Letter]] = {
    "acceptance": _acceptance,
    "rejection": _rejection,
    "transfer": _transfer,
    "extension": _extension,
    "reply": _reply,
    "review": _review,
    "recheck": _recheck,
}
