"""Every text the petitioner reads on the timeline (the portal's 办理情况), in one place.

The services and the bulk path (import, generator) both take their public texts from here, so a case
written either way tells the petitioner the same thing. The formal .docx letters (受理告知书, 信访处理意见书 …)
are composed by `notices_docs`; these are the short timeline texts, each a sentence.
"""

from __future__ import annotations

import datetime as dt

from xinfang.core.timeutil import format_cn_date

# 诉访分离 (Art 28, 31): where a matter that is not a 信访事项 belongs.
LEGAL_ROUTES = {
    "litigation": "向人民法院提起诉讼",
    "arbitration": "申请仲裁（劳动人事争议、农村土地承包经营纠纷等）",
    "reconsideration": "申请行政复议",
    "discipline": "向纪检监察机关检举控告",
    "party_appeal": "按党员申诉程序办理",
    "procuratorate": "向人民检察院申诉或控告",
    "finished": "已经复核终结，同一事实和理由不再受理（《信访工作条例》第三十六条）",
    "accepted_below": "同一事项已被下级机关受理且在办理期限内（《信访工作条例》第十九条）",
    "other": "其他法定途径",
}

UNSATISFIED_NEXT = (
    "信访部门将回访了解您的意见，决定由承办单位重新办理，或办结并告知您请求复查的途径；"
    "您也可以自收到处理意见书之日起30日内向承办单位的上一级机关请求复查（《信访工作条例》第三十五条）。"
)


def registered(*, office: str, day: dt.date, number: str) -> str:
    return f"{office}于{format_cn_date(day)}登记您的信访事项，编号{number}。"


def submitted(*, day: dt.date, number: str, office: str) -> str:
    return f"您于{format_cn_date(day)}在网上提交信访事项，编号{number}，等待{office}登记。"


def submission_registered(*, office: str) -> str:
    return f"{office}已登记您的信访事项。"


def dispatched(*, day: dt.date, office: str, mode_label: str, unit: str) -> str:
    return f"{format_cn_date(day)}，{office}将您的信访事项{mode_label}至{unit}办理。"


def handled_directly(*, office: str) -> str:
    return f"{office}已受理您的信访事项并直接办理。"


def rejected(*, kind: str, reason: str, legal_route: str) -> str:
    route = LEGAL_ROUTES.get(legal_route, LEGAL_ROUTES["other"])
    return f"经审查，您反映的事项{kind}。理由：{reason}。请通过以下途径解决：{route}。"


def accepted(*, unit: str, day: dt.date) -> str:
    return (
        f"受理告知：{unit}已于{format_cn_date(day)}受理您的信访事项，"
        f"将依照《信访工作条例》第三十四条在60日内办结并书面答复。"
    )


def extended(*, reason: str, days: int) -> str:
    return f"延期告知：因{reason}，办理期限延长{days}日（《信访工作条例》第三十四条）。"


def replied(*, unit: str, outcome_label: str, opinion: str) -> str:
    """The reply on the timeline: who answered, the opinion, and the 复查 right; the full 信访处理意见书
    (facts, reasons, basis) is the document the petitioner receives."""
    issuer = unit or "承办单位"
    opinion = (opinion or "").strip()
    return (
        f"{issuer}已对您的信访事项作出书面答复（信访处理意见书），处理意见为“{outcome_label}”"
        + (f"：{opinion}" if opinion else "。")
        + f"\n如对处理意见不服，可以自收到处理意见书之日起30日内向{issuer}的上一级机关请求复查"
        "（《信访工作条例》第三十五条）。"
    )


def rated(*, rating_label: str, unsatisfied: bool = False) -> str:
    return f"您的评价：{rating_label}。" + (UNSATISFIED_NEXT if unsatisfied else "")


def rehandle(*, unit: str) -> str:
    return f"根据您的评价，信访部门已责成{unit or '承办单位'}重新办理您的信访事项，办结后将再次书面答复您。"


def closed_after_unsatisfied(*, above: str) -> str:
    return (
        f"经回访，您的信访事项办结。如对处理意见不服，可以自收到处理意见书之日起30日内向{above}"
        "请求复查（《信访工作条例》第三十五条）。"
    )


def review_requested(*, label: str, unit: str) -> str:
    return f"您已申请{label}，由{unit}办理，30日内答复。"


def review_decided(*, outcome_label: str, text: str) -> str:
    return (
        f"复查意见书：{outcome_label}。{text}\n如不服，可自收到之日起30日内向上一级机关请求复核"
        f"（《信访工作条例》第三十六条）。"
    )


def recheck_decided(*, outcome_label: str, text: str) -> str:
    return f"复核意见书：{outcome_label}。{text}\n本事项已复核终结，同一事实和理由不再受理。"


def return_visit(*, number: str) -> str:
    return f"回访：您的信访事项{number}已作出答复，请告诉我们您对办理结果是否满意（满意、基本满意或不满意）。"
