"""The 月报/季报: the figures of an area for a month or a quarter as a 公文 (.docx through the document
service): a summary, the indicator, volume and ranking tables, and the charts as images (charts.py).
Stored as a Document version of the area's 信访部门 with a 文号 of its own sequence (机关代字 + 统).

The figures are those of the page (page.full); where the month has a published snapshot, its headline,
breakdowns and unit rows are used, so a report printed again later reads as the first one did."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from xinfang.accounts.models import Area, Unit
from xinfang.core.audit import audit_record
from xinfang.core.errors import ValidationFailed
from xinfang.core.timeutil import format_cn_date, local_date
from xinfang.documents import services as docs
from xinfang.documents.models import Document
from xinfang.documents.seals import document_seal
from xinfang.petitions.letters import abbreviation, doc_date

from . import charts, figures, page, services
from . import definitions as d
from .config import stats_config
from .periods import Period

KIND = "stats_report"
KIND_WORD = "统"  # 机关代字 suffix: 扶信统〔2026〕3号
REPORT_KINDS = ("month", "quarter")


def subject_type(period: Period) -> str:
    """A report's versions are counted per office and period: stats.month.202611."""
    return f"stats.{period.kind}.{period.start:%Y%m}"


def report_office(area: Area) -> Unit:
    office: Unit | None = (
        Unit.objects.select_related("area")
        .filter(kind=Unit.Kind.XINFANG, area=area, active=True)
        .order_by("id")
        .first()
    )
    if office is None:
        raise ValidationFailed(f"“{area.name}”没有信访部门，不能生成统计报告", field="area")
    return office


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _change(now: int, before: int) -> str:
    if not before:
        return "无可比数据" if not now else "上期为0"
    diff = (now - before) / before * 100
    if abs(diff) < 0.05:
        return "持平"
    return f"{'上升' if diff > 0 else '下降'}{abs(diff):.1f}%"


def figures_for(req: page.Request) -> tuple[dict[str, Any], Any]:
    """page.full, with the published snapshot's figures in place of the live ones where there is one."""
    data = page.full(req)
    snap = services.snapshot_latest(area=req.area, period=req.period) if req.area is not None else None
    if snap is not None and req.unit is None:
        summary = snap.data["summary"]
        keys = [v.key for v in d.VOLUMES] + list(d.PERSONS_LABELS)
        data["headline"] = {"volumes": {k: summary.get(k, 0) for k in keys}, "indicators": summary["indicators"]}
        data["breakdowns"] = snap.data["breakdowns"]
        data["by_unit"] = summary.get("by_unit", data["by_unit"])
        data["ranking"] = figures.ranking(data["by_unit"], req.rank, min_sample=data["min_sample"])
        # The trend as it was published (snapshots taken before it was stored keep the live one).
        data["trend"] = snap.data.get("trend", data["trend"])
    return data, snap


def chart_images(data: dict[str, Any]) -> list[dict[str, Any]]:
    b = data["breakdowns"]
    return [
        {"caption": "近12个月信访量趋势", "image": docs.Image(charts.trend_chart(data["trend"]), 150)},
        {"caption": "信访事项内容分类（批次，前10类）", "image": docs.Image(charts.bar_chart(b["category"]), 150)},
        {"caption": "信访形式构成（批次）", "image": docs.Image(charts.pie_chart(b["channel"]), 110)},
        {"caption": "各承办单位信访量（批次，前10位）", "image": docs.Image(charts.bar_chart(b["unit"]), 150)},
    ]


def report_context(
    *,
    req: page.Request,
    office: Unit,
    doc_number: str,
    data: dict[str, Any],
    snap: Any,
    chart_list: list[dict[str, Any]],
) -> dict[str, Any]:
    cfg = stats_config()
    area = req.area or office.area
    p = req.period
    h, prev, ly = data["headline"], data["previous"], data["last_year"]
    v, ind = h["volumes"], h["indicators"]
    rank_ind = d.BY_KEY[req.rank]
    label = "月报" if p.kind == "month" else "季报"
    body = [
        f"{p.label}，{area.name}共收到信访事项{v['received']}批次、{v['persons']}人次，"
        f"环比{_change(v['received'], prev['volumes']['received'])}，"
        f"同比{_change(v['received'], ly['volumes']['received'])}。其中集体访{v['group_visits']}批次"
        f"{v['group_persons']}人次；越级访{v['skip_level']}批次（赴省{v['to_province']}批次、赴京{v['to_beijing']}"
        f"批次）；重复信访{v['repeat']}件次，重复信访率{_pct(ind['repeat_rate']['rate'])}；"
        f"初信初访{v['first_time']}件。",
        f"信访部门及时受理率{_pct(ind['timely_acceptance_rate']['rate'])}，"
        f"责任单位及时受理率{_pct(ind['unit_timely_acceptance_rate']['rate'])}，"
        f"按期答复率{_pct(ind['on_time_reply_rate']['rate'])}，"
        f"群众满意率{_pct(ind['satisfaction_rate']['rate'])}，参评率{_pct(ind['participation_rate']['rate'])}。",
        "各项指标的统计口径与统计分析页面一致，详见表中说明；比率以百分数表示，分母为0的记为“—”。",
    ]
    if snap is not None:
        as_of = f"数据说明：{p.label}已发布数据（第{snap.version}版，{format_cn_date(snap.taken_on)}冻结）。"
    else:
        as_of = f"数据说明：实时数据，截至{format_cn_date(req.today)}。"
    indicators = [
        {
            "label": i.label,
            "rate": _pct(ind[i.key]["rate"]),
            "numerator": ind[i.key]["numerator"],
            "denominator": ind[i.key]["denominator"],
            "previous": _pct(prev["indicators"][i.key]["rate"]),
            "last_year": _pct(ly["indicators"][i.key]["rate"]),
        }
        for i in d.indicators(cfg)
    ]
    volumes = [
        {
            "label": vol.label.split("（")[0],
            "value": v[vol.key],
            "persons": v[vol.persons_key] if vol.persons_key else "—",
            "previous": prev["volumes"][vol.key],
            "last_year": ly["volumes"][vol.key],
        }
        for vol in d.VOLUMES
    ]
    ranking = []
    for u in data["ranking"]:
        block = u["indicators"][req.rank]
        ranking.append(
            {
                "rank": u["rank"] or "—",
                "name": u["name"],
                "received": u["received"],
                "rate": _pct(block["rate"]),
                "fraction": f"{block['numerator']}/{block['denominator']}",
                "note": "" if u["sample_ok"] else "样本不足",
            }
        )
    today = local_date()
    return {
        "kind": KIND,
        "case_number": f"{area.code}-{p.start:%Y%m}",
        "organ_header": office.name,
        "doc_number": doc_number,
        "title": f"{area.name}{p.label}信访工作统计{label}",
        "addressee": "各有关单位",
        "body": body,
        "as_of": as_of,
        "indicators": indicators,
        "volumes": volumes,
        "ranking_label": rank_ind.label.split("（")[0],
        "ranking_note": f"按{rank_ind.label}由高到低排列，并列者名次相同；分母不足{cfg.ranking_min_sample}件的"
        "单位列于表末，标注“样本不足”，不参与排名。",
        "ranking": ranking,
        "charts": chart_list,
        "attachments": [],
        "signer": office.name,
        "date": doc_date(today),
        "contact": "",
        "cc": "",
        "printer": office.name,
        "print_gap": "　　　　",
        "print_date": format_cn_date(today),
    }


def check_period(period: Period) -> None:
    if period.kind not in REPORT_KINDS:
        raise ValidationFailed("统计报告按月或按季度生成，请选择月份或季度", field="period")


@transaction.atomic
def report_issue(*, actor: Any, req: page.Request, office: Unit | None = None) -> Document:
    """Render and store the 月报/季报 of the request's area and period as the next version of that
    office's report for the period, with the next 文号; audited."""
    check_period(req.period)
    if req.area is None:
        raise ValidationFailed("请选择要生成统计报告的区划", field="area")
    office = office or report_office(req.area)
    data, snap = figures_for(req)
    images = chart_images(data)  # before the 文号: its counter row stays locked to the commit
    # The sequence's row lock also orders two reports of one office: the version below is not raced.
    number = docs.doc_number_next(unit=office, word=abbreviation(office) + KIND_WORD, year=local_date().year)
    context = report_context(req=req, office=office, doc_number=number, data=data, snap=snap, chart_list=images)
    rendered = docs.document_render(kind=KIND, owners=[office], context=context)
    doc = docs.document_store(
        actor=actor,
        kind=KIND,
        title=context["title"][:100],
        subject_type=subject_type(req.period),
        subject_id=office.pk,
        reference=context["case_number"],
        issuer=office,
        recipient=context["addressee"],
        for_petitioner=False,
        doc_number=number,
        rendered=rendered,
    )
    audit_record(
        actor=actor,
        action="statistics.report",
        target=doc,
        unit_id=office.pk,
        data={
            "area": req.area.code,
            "from": req.period.start.isoformat(),
            "to": req.period.end.isoformat(),
            "doc_number": number,
            "version": doc.version,
            "snapshot": snap.version if snap is not None else None,
            "checksum": doc.checksum,
        },
        seal=document_seal(doc),
    )
    return doc


def office_request(
    office: Unit, period: Period, *, rank: str = "on_time_reply_rate", today: dt.date | None = None
) -> page.Request:
    """The request of `manage.py stats_report`: the office's whole area (its 辖区), no user's access."""
    if rank not in d.BY_KEY:
        raise ValidationFailed("排名指标无效", field="rank")
    area = office.area
    return page.Request(
        period=period,
        scope=figures.Scope(area=area),
        area=area,
        unit=None,
        rank=rank,
        live=False,
        today=today or local_date(),
        query={},
    )
