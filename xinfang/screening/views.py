"""Staff pages for disputes: parse → access → service → render. No rules here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.accounts.models import Area
from xinfang.core.audit import audit_record
from xinfang.core.errors import DomainError, ValidationFailed
from xinfang.petitions.access import access_petition
from xinfang.petitions.views import apply_domain_error, staff_required

from . import deadlines, selectors, services
from . import forms as f
from .access import (
    access_dispute,
    can_manage_dispute,
    can_work_dispute,
    disputes_visible_to,
    registrable_units,
    scope_paths,
)
from .models import ACTION_LABELS, DisputeType, Outcome, RiskGrade
from .parties import party_unseal


@staff_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    qs = disputes_visible_to(request.user).select_related("grade", "area", "responsible_unit", "leader", "campaign")
    g = request.GET
    if g.get("area"):
        area = Area.objects.filter(code=g["area"]).first()
        qs = qs.filter(area_path__startswith=area.path) if area else qs.none()
    if g.get("grade"):
        qs = qs.filter(grade__code=g["grade"])
    if g.get("campaign", "").isdigit():
        qs = qs.filter(campaign_id=int(g["campaign"]))
    if g.get("marked") == "1":
        qs = qs.filter(marked=True)
    state = g.get("state", "")
    if state == "open":
        qs = qs.exclude(outcome__in=Outcome.closed())
    elif state in Outcome.values and state:
        qs = qs.filter(outcome=state)
    if g.get("deadline") in ("soon", "overdue"):
        qs = qs.filter(deadline_state=g["deadline"])
    if g.get("type") in DisputeType.values:
        qs = qs.filter(dispute_type=g["type"])
    page = Paginator(qs.order_by("due_date", "id"), 50).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    return render(
        request,
        "screening/list.html",
        {
            "page": page,
            "grades": RiskGrade.objects.all(),
            "outcomes": [c for c in Outcome.choices if c[0]],
            "types": DisputeType.choices,
            "query": query.urlencode(),
            "g": g,
            "can_register": bool(registrable_units(request.user)),
            "state_labels": deadlines.STATE_LABELS,
        },
    )


@staff_required
def dispute_new(request: HttpRequest) -> HttpResponse:
    paths = scope_paths(request.user)
    form = f.DisputeForm(request.POST or None, paths=paths)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            dispute = services.dispute_register(
                actor=request.user,
                area=d["area"],
                dispute_type=d["dispute_type"],
                case_class=d["case_class"],
                source=d["source"],
                grade=d["grade"],
                title=d["title"],
                summary=d["summary"],
                found_on=d["found_on"],
                headcount=d["headcount"],
                measures=d["measures"],
                responsible_unit=d["responsible_unit"],
                responsible_person=d["responsible_person"],
                parties=form.parties(),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已登记矛盾纠纷 {dispute.number}，化解期限 {dispute.due_date:%Y年%m月%d日}")
            return redirect("screening:detail", pk=dispute.pk)
    return render(request, "screening/form.html", {"form": form, "title": "登记矛盾纠纷", "parties": f.PARTY_SLOTS})


@staff_required
def dispute_raise(request: HttpRequest, petition_pk: int) -> HttpResponse:
    petition = access_petition(request.user, petition_pk)
    form = f.RaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = services.dispute_raise_from_petition(
                actor=request.user,
                petition=petition,
                grade=form.cleaned_data["grade"],
                dispute_type=form.cleaned_data["dispute_type"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"信访事项 {petition.number} 已转为矛盾纠纷 {dispute.number}")
            return redirect("screening:detail", pk=dispute.pk)
    return render(
        request, "screening/form.html", {"form": form, "title": f"转为矛盾纠纷：{petition.number} {petition.title}"}
    )


ActionFn = Callable[[HttpRequest, Any, forms.Form], Any]


def _actions(request: HttpRequest, dispute: Any) -> dict[str, tuple[str, forms.Form, bool]]:
    """key → (label, form, allowed). The forms the detail page shows and `act` validates."""
    paths = scope_paths(request.user)
    manage = can_manage_dispute(request.user, dispute)
    work = can_work_dispute(request.user, dispute)
    data = request.POST if request.method == "POST" else None
    is_open = dispute.is_open
    campaigns = selectors.campaigns_visible_to(request.user)
    return {
        "progress": ("记录化解进展", f.NoteForm(data), work),
        "plan": (
            "稳控措施与化解方案",
            f.PlanForm(data, initial={"measures": dispute.measures, "plan": dispute.plan}),
            work and is_open,
        ),
        "step_add": ("新增化解步骤", f.StepForm(data, paths=paths), work and is_open),
        "grade": ("调整风险等级", f.GradeForm(data), manage and is_open),
        "assign": ("明确责任单位", f.AssignForm(data, paths=paths), manage and is_open),
        "take_on": ("领导包案", f.LeaderForm(data, paths=paths), is_open and not dispute.leader_id),
        "hand_over": ("移交包案", f.LeaderForm(data, paths=paths), bool(dispute.leader_id) and is_open),
        "release": ("解除包案", f.ReasonForm(data), bool(dispute.leader_id)),
        "campaign": (
            "专项攻坚与挂图",
            f.CampaignChoiceForm(
                data, campaigns=campaigns, initial={"campaign": dispute.campaign, "marked": dispute.marked}
            ),
            manage,
        ),
        "conclude": ("化解结果", f.ConcludeForm(data), work and is_open),
        "reopen": ("重新启动化解", f.ReasonForm(data), manage and not is_open),
    }


def _run(request: HttpRequest, key: str, dispute: Any, d: dict[str, Any]) -> Any:
    user, pk = request.user, dispute.pk
    if key == "progress":
        return services.dispute_record_progress(actor=user, dispute_id=pk, note=d["note"])
    if key == "plan":
        return services.dispute_update_plan(actor=user, dispute_id=pk, measures=d["measures"], plan=d["plan"])
    if key == "step_add":
        return services.plan_step_add(
            actor=user,
            dispute_id=pk,
            description=d["description"],
            due_date=d["due_date"],
            owner_unit=d["owner_unit"],
            owner_person=d["owner_person"],
        )
    if key == "grade":
        return services.dispute_change_grade(actor=user, dispute_id=pk, grade=d["grade"], reason=d["reason"])
    if key == "assign":
        return services.dispute_assign(actor=user, dispute_id=pk, unit=d["unit"], person=d["person"])
    if key == "take_on":
        return services.dispute_take_on(actor=user, dispute_id=pk, leader=d["leader"], note=d["reason"])
    if key == "hand_over":
        if d["leader"] is None:
            raise ValidationFailed("请选择接手的领导", field="leader")
        return services.dispute_hand_over(actor=user, dispute_id=pk, to_leader=d["leader"], reason=d["reason"])
    if key == "release":
        return services.dispute_release(actor=user, dispute_id=pk, reason=d["reason"])
    if key == "campaign":
        return services.dispute_set_campaign(actor=user, dispute_id=pk, campaign=d["campaign"], marked=d["marked"])
    if key == "conclude":
        return services.dispute_conclude(
            actor=user,
            dispute_id=pk,
            outcome=d["outcome"],
            note=d["note"],
            confirmed=d["confirmed"],
            confirmation_note=d["confirmation_note"],
        )
    if key == "reopen":
        return services.dispute_reopen(actor=user, dispute_id=pk, reason=d["reason"])
    raise Http404


def _detail(
    request: HttpRequest, dispute: Any, *, actions: Any = None, failed: str = "", unmasked: Any = None
) -> HttpResponse:
    actions = actions or _actions(request, dispute)
    steps = list(dispute.steps.select_related("owner_unit"))
    for step in steps:
        step.state = deadlines.step_state(step, start=dispute.found_on)
        step.state_label = deadlines.STATE_LABELS[step.state]
    events = list(dispute.events.all())
    for e in events:
        e.label = ACTION_LABELS.get(e.action, e.action)
    return render(
        request,
        "screening/detail.html",
        {
            "d": dispute,
            "parties": list(dispute.parties.all()),
            "unmasked": unmasked,
            "events": events,
            "steps": steps,
            "grade_changes": dispute.grade_changes.select_related("from_grade", "to_grade", "actor"),
            "petitions": dispute.petitions.all(),
            "down_visits": dispute.down_visits.select_related("leader"),
            "actions": [(k, label, form) for k, (label, form, ok) in actions.items() if ok],
            "failed": failed,
            "state_label": deadlines.STATE_LABELS.get(dispute.deadline_state, ""),
            "can_work": can_work_dispute(request.user, dispute),
        },
        status=400 if failed else 200,
    )


@staff_required
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_dispute(request.user, pk))


@staff_required
@require_POST
def dispute_act(request: HttpRequest, pk: int, key: str) -> HttpResponseBase:
    dispute = access_dispute(request.user, pk)
    actions = _actions(request, dispute)
    if key not in actions:
        raise Http404
    label, form, allowed = actions[key]
    if not allowed:
        messages.error(request, f"您不能执行“{label}”")
        return redirect("screening:detail", pk=pk)
    if form.is_valid():
        try:
            _run(request, key, dispute, form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"{label}：已保存")
            return redirect("screening:detail", pk=pk)
    return _detail(request, dispute, actions=actions, failed=key)


@staff_required
@require_POST
def step_done(request: HttpRequest, pk: int, step_pk: int) -> HttpResponseBase:
    dispute = access_dispute(request.user, pk)
    if not dispute.steps.filter(pk=step_pk).exists():
        raise Http404
    try:
        services.plan_step_done(actor=request.user, step_id=step_pk, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已标记完成")
    return redirect("screening:detail", pk=pk)


@staff_required
@require_POST
def party_unmask(request: HttpRequest, pk: int) -> HttpResponse:
    """Full party data for one who works the case and gives a reason; every unmasking is audited."""
    dispute = access_dispute(request.user, pk)
    reason = (request.POST.get("reason") or "").strip()
    if not can_work_dispute(request.user, dispute) or len(reason) < 2:
        messages.error(request, "查看完整信息须为本案责任单位或包案领导，并填写理由")
        return _detail(request, dispute)
    audit_record(actor=request.user, action="dispute.unmask", target=dispute, data={"reason": reason[:200]})
    unmasked = {p.pk: party_unseal(p) for p in dispute.parties.all()}
    return _detail(request, dispute, unmasked=unmasked)
