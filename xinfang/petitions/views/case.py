"""The case page: details, timeline, deadlines, the action forms posted to it, unmasking, files and notices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from xinfang.core.access_log import access_log
from xinfang.core.errors import DomainError, NotPermitted
from xinfang.core.models import AccessLog
from xinfang.petitions.access import access_petition, can_act, can_see_identity, can_see_name
from xinfang.petitions.deadlines.schedule import petition_deadlines
from xinfang.routing.services import routing_suggest

from .. import forms as f
from .. import selectors, services
from ..case_links import case_links
from ..downloads import download_check
from ..models import Attachment, Petition
from ..workflow import Action
from .actions import ACTION_SPECS, SPEC_BY_KEY, _spec_available
from .base import apply_domain_error, client_ip, staff_required


def _detail_context(
    request: HttpRequest, petition: Petition, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    available = []
    for spec in ACTION_SPECS:
        if not _spec_available(request.user, petition, spec):
            continue
        form = bound.get(spec.key) or spec.form(prefix=spec.key)
        available.append((spec, form))
    suggestions = []
    if any(spec.key == "dispatch" for spec, _ in available):
        suggestions = routing_suggest(
            category_id=petition.category_id, area=petition.area, exclude_path=petition.accused_path
        )
        dispatch_form = next(form for spec, form in available if spec.key == "dispatch")
        f.dispatch_form_setup(
            dispatch_form,
            office_id=petition.office_unit_id,
            exclude_path=petition.accused_path,
            suggestions=suggestions,
        )
    identity_visible = can_see_identity(request.user, petition)
    attachments = petition.attachments.all()
    if not identity_visible:
        attachments = attachments.exclude(kind=Attachment.Kind.LETTER)
    return {
        "p": petition,
        "events": selectors.petition_detail_events(petition),
        "deadlines": petition_deadlines(petition=petition),
        "attachments": attachments,
        "representatives": petition.representatives.all() if identity_visible else [],
        "available": available,
        "suggestions": suggestions,
        "identity_visible": identity_visible,
        "name_visible": identity_visible and can_see_name(request.user, petition),
        "unmask_form": f.UnmaskForm(prefix="unmask"),
        "related": [],
        "case_links": case_links(request.user, petition),
    }


@staff_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk)
    access_log(
        actor=request.user,
        kind=AccessLog.Kind.CASE_VIEW,
        petition_id=petition.pk,
        reference=petition.number,
        area_path=petition.area_path,
        target=petition.title,
        ip=client_ip(request),
    )
    ctx = _detail_context(request, petition)
    if ctx["identity_visible"]:
        ctx["related"] = selectors.petitions_same_person_by_hash(
            user=request.user, id_hash=petition.id_number_hash, phone_hash=petition.phone_hash, exclude_id=petition.pk
        )
    return render(request, "petitions/detail.html", ctx)


@staff_required
@require_POST
def act(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    petition = access_petition(request.user, pk)
    spec = SPEC_BY_KEY.get(key)
    if spec is None:
        raise Http404("未知操作")
    if not any(can_act(request.user, petition, a) for a in spec.actions):
        raise PermissionDenied(f"您的岗位不能执行“{spec.label}”")
    form = spec.form(request.POST, request.FILES, prefix=spec.key)
    if spec.key == "dispatch":  # only the units the office may dispatch to are valid
        f.dispatch_form_setup(
            form, office_id=petition.office_unit_id, exclude_path=petition.accused_path, suggestions=[]
        )
    if form.is_valid():
        try:
            spec.run(request.user, petition, form.cleaned_data)
        except NotPermitted as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已完成：{spec.label}")
            return HttpResponseRedirect(reverse("petitions:detail", args=[petition.pk]))
    petition = access_petition(request.user, pk)
    ctx = _detail_context(request, petition, bound={spec.key: form})
    if not any(s.key == spec.key for s, _ in ctx["available"]):
        # The state moved on (e.g. a concurrent click): show the message on top of the page.
        messages.error(
            request,
            "; ".join(str(e) for errs in form.errors.values() for e in errs) or f"当前状态下不能执行“{spec.label}”",
        )
    return render(request, "petitions/detail.html", ctx, status=400)


@staff_required
@require_POST
def unmask(request: HttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk)
    form = f.UnmaskForm(request.POST, prefix="unmask")
    ctx = _detail_context(request, petition)
    if form.is_valid():
        try:
            ctx["unmasked"] = services.petition_unmask(
                actor=request.user, petition=petition, reason=form.cleaned_data["reason"], ip=client_ip(request)
            )
        except NotPermitted as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            apply_domain_error(form, exc)
    ctx["unmask_form"] = form
    return render(request, "petitions/detail.html", ctx, status=200 if form.is_valid() and "unmasked" in ctx else 400)


@staff_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    att = get_object_or_404(Attachment, pk=pk)
    petition = access_petition(request.user, att.petition_id)
    if att.kind == Attachment.Kind.LETTER and not can_see_identity(request.user, petition):
        raise Http404("附件不存在或无权查看")
    download_check(request, "attachment", att.pk)
    access_log(
        actor=request.user,
        kind=AccessLog.Kind.ATTACHMENT,
        petition_id=petition.pk,
        reference=petition.number,
        area_path=petition.area_path,
        target=att.original_name,
        ip=client_ip(request),
        data={"attachment": att.pk},
    )
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name)


NOTICE_TITLES = {
    Action.REGISTER.value: "信访事项登记告知书",
    Action.SUBMIT.value: "网上信访事项提交回执",
    Action.DISPATCH.value: "信访事项转送（交办）告知书",
    Action.ACCEPT.value: "信访事项受理告知书",
    Action.REJECT.value: "信访事项不予受理告知书",
    Action.APPROVE_EXTENSION.value: "延长信访事项办理期限告知书",
    Action.APPROVE_REPLY.value: "信访事项处理意见书",
    Action.DECIDE_REVIEW.value: "信访事项复查意见书",
    Action.DECIDE_RECHECK.value: "信访事项复核意见书",
}


@staff_required
@require_GET
def notice(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    """A printable written notice (书面告知) for a step that was published to the petitioner."""
    petition = access_petition(request.user, pk)
    event = get_object_or_404(petition.events.select_related("unit"), pk=event_id, public=True)
    return render(
        request,
        "petitions/notice.html",
        {
            "p": petition,
            "e": event,
            "title": NOTICE_TITLES.get(event.action, "信访事项告知书"),
            "identity_visible": can_see_identity(request.user, petition),
            "issuer": event.unit or petition.current_unit or petition.office_unit,
        },
    )
