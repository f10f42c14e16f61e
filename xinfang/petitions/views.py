"""Staff workbench pages: parse → access → service → render. No rules here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from xinfang.accounts.access import actor_context
from xinfang.core.errors import DomainError, NotPermitted, ValidationFailed
from xinfang.petitions.access import access_petition, can_act, can_see_identity
from xinfang.petitions.deadlines.schedule import petition_deadlines
from xinfang.routing.services import routing_suggest

from . import forms as f
from . import selectors, services
from .list_filters import FastSelect as FastSelect  # re-exported: views_io and the tests use them from here
from .list_filters import ListFilterForm as ListFilterForm
from .list_filters import _FastInput as _FastInput
from .models import Attachment, Petition
from .workflow import Action, Status, allowed


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Logged-in staff with at least one post (岗位); others get 403."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ctx = actor_context(request.user)
        if not ctx.roles_by_unit and not ctx.is_superuser:
            raise PermissionDenied("您的账号尚未分配岗位")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Put a service's Chinese message on the right field (or the whole form)."""
    errors = exc.errors if isinstance(exc, ValidationFailed) else {exc.field or "__all__": [exc.message]}
    for field, msgs in errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


# ---------------------------------------------------------------- lists


# The columns of petitions/_rows.html: a list page loads these and nothing else (no content, no sealed
# personal data), and gets its labels from dicts instead of get_FOO_display() per cell.
LIST_COLUMNS = (
    "number",
    "title",
    "is_group",
    "is_repeat",
    "confidential",
    "identity_released",
    "petitioner_name",
    "channel",
    "status",
    "due_date",
    "deadline_state",
    "received_at",
    "is_skip_level",
    "area__name",
    "current_unit__name",
)
PAGE_SIZE = 25


@dataclass(frozen=True)
class Column:
    label: str
    sort: str = ""  # the ?sort= key (selectors.SORTS); "" for a column that does not sort
    css: str = ""

    @property
    def desc(self) -> str:
        return f"-{self.sort}" if self.sort else ""


COLUMNS = (
    Column("编号", "number", "nowrap"),
    Column("标题"),
    Column("信访人"),
    Column("形式", css="nowrap"),
    Column("问题属地"),
    Column("承办单位"),
    Column("状态", "status", "nowrap"),
    Column("期限", css="nowrap"),
    Column("收到时间", "received", "nowrap"),
)


# The workbench counts each inbox up to this many cases and shows "999+" beyond: exact counts of a busy
# county's inboxes read every open case (tens of thousands at a province's scale). The list page (and
# its 导出) gives the exact number of any inbox.
WORKBENCH_CAP = 999


def _list_page(qs: Any, number: Any, *, cap: int | None = None) -> Any:
    """One page of a case list (petitions/_rows.html renders it). With `cap`, the
    paginator counts at most cap + 1 cases and `page.capped` says whether there are more than cap."""
    qs = qs.select_related(None).select_related("area", "current_unit").only(*LIST_COLUMNS)
    paginator = Paginator(qs, PAGE_SIZE)
    capped = False
    if cap is not None:
        n = qs.order_by()[: cap + 1].count()
        capped = n > cap
        paginator.count = min(n, cap)  # cached_property: set before anything reads it
    page: Any = paginator.get_page(number)  # carries the extra attributes set below
    page.capped = capped
    page.total_label = f"{cap}+" if capped else str(paginator.count)
    return page


@staff_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    boxes = selectors.inboxes_for(request.user)
    counts = selectors.inbox_counts_capped(request.user, WORKBENCH_CAP)
    keys = {b.key for b in boxes}
    asked = request.GET.get("inbox", "")
    current = asked if asked in keys else selectors.landing_inbox(request.user, counts)
    qs = selectors.petition_list(user=request.user, inbox=current) if current else Petition.objects.none()
    page = _list_page(qs, request.GET.get("page"), cap=WORKBENCH_CAP)

    def badge(n: int) -> str:
        return f"{WORKBENCH_CAP}+" if n > WORKBENCH_CAP else str(n)

    return render(
        request,
        "petitions/workbench.html",
        {
            "boxes": [(b, badge(counts.get(b.key, 0))) for b in boxes],
            "current": current,
            "page": page,
            "columns": COLUMNS,
            # A superuser without a post (the system administrator): say what the account is for.
            "without_post": not actor_context(request.user).roles_by_unit,
        },
    )


@staff_required
@require_GET
def petition_list(request: HttpRequest) -> HttpResponse:
    params = {
        k: request.GET.get(k, "").strip()[:100]
        for k in (
            "q",
            "status",
            "channel",
            "category",
            "area",
            "unit",
            "deadline_state",
            "date_from",
            "date_to",
            "inbox",
            "is_group",
            "is_repeat",
            "is_skip_level",
            "sort",
        )
    }
    filter_form = ListFilterForm(request.GET or None)
    dates: dict[str, Any] = {}
    if filter_form.is_bound and filter_form.is_valid():
        dates = {
            "date_from": filter_form.cleaned_data.get("date_from"),
            "date_to": filter_form.cleaned_data.get("date_to"),
        }
    qs = selectors.petition_list(
        user=request.user,
        inbox=params["inbox"],
        q=params["q"],
        status=params["status"],
        channel=params["channel"],
        category=params["category"],
        area=params["area"],
        unit=params["unit"],
        deadline_state=params["deadline_state"],
        is_group=params["is_group"],
        is_repeat=params["is_repeat"],
        is_skip_level=params["is_skip_level"],
        sort=params["sort"],
        **dates,
    )
    page = _list_page(qs, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    sort = params["sort"] if params["sort"] in selectors.SORTS else ""
    return render(
        request,
        "petitions/list.html",
        {
            "page": page,
            "form": filter_form,
            "query": query.urlencode(),
            "columns": COLUMNS,
            "sort": sort,
            "sort_base": unsorted.urlencode(),
        },
    )


# ---------------------------------------------------------------- registration


@staff_required
def register(request: HttpRequest) -> HttpResponse:
    ctx = actor_context(request.user)
    if not ctx.has_role("clerk", "dispatcher"):
        raise PermissionDenied("只有信访部门的登记员或受理分办人员可以登记")
    roots = [u.area.path for u in ctx.units_with("clerk", "dispatcher")]
    form = f.PetitionRegisterForm(request.POST or None, request.FILES or None, area_roots=roots)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reg = services.petition_register(
                actor=request.user,
                channel=d["channel"],
                received_at=d["received_at"],
                petitioner={
                    "name": d["name"],
                    "id_number": d["id_number"],
                    "phone": d["phone"],
                    "address": d["address"],
                },
                headcount=d["headcount"],
                representatives=form.representatives(),
                no_representative_reason=d["no_representative_reason"],
                area=d["area"],
                category=d["category"],
                purpose=d["purpose"],
                title=d["title"],
                content=d["content"],
                attachments=d["attachments"],
                confidential=d["confidential"],
                accused_unit=d["accused_unit"],
                accused_person=d["accused_person"],
                is_repeat=d["is_repeat"],
                repeat_of=d["repeat_of"],
                is_skip_level=d["is_skip_level"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            request.session["new_query_code"] = {"id": reg.petition.pk, "code": reg.query_code}
            return redirect("petitions:registered", pk=reg.petition.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "petitions/register.html", {"form": form}, status=status)


@staff_required
@require_GET
def registered(request: HttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk)
    stash = request.session.pop("new_query_code", None)
    code = services.format_query_code(stash["code"]) if stash and stash.get("id") == petition.pk else ""
    return render(request, "petitions/registered.html", {"p": petition, "code": code})


@staff_required
@require_GET
def same_person(request: HttpRequest) -> HttpResponse:
    """htmx partial: the same person's earlier petitions while the clerk types the ID or phone."""
    rows = selectors.petitions_same_person(
        user=request.user, id_number=request.GET.get("id_number", "")[:20], phone=request.GET.get("phone", "")[:20]
    )
    return render(
        request,
        "petitions/_same_person.html",
        {
            "rows": rows,
            "in_progress": [Status.DISPATCHED, Status.ACCEPTED, Status.EXTENSION_PENDING, Status.REPLY_PENDING],
        },
    )


# ---------------------------------------------------------------- one case


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
        "unmask_form": f.UnmaskForm(prefix="unmask"),
        "related": [],
    }


@staff_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk)
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
