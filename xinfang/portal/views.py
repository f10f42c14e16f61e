"""Citizen pages: submit online, look a case up with its number and 查询码, follow it, rate it, and ask
for 复查 / 复核. No account: access to a case lives in the session after a successful lookup.

parse → service → render; every write goes through xinfang.petitions.services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.core.errors import DomainError
from xinfang.petitions import services
from xinfang.petitions.deadlines.schedule import deadline_window_open
from xinfang.petitions.models import Petition
from xinfang.petitions.views import NOTICE_TITLES, apply_domain_error, client_ip
from xinfang.petitions.workflow import Status

from . import forms as pf
from . import selectors, throttle

SESSION_NEW = "portal_new_submission"
SESSION_CASE_PREFIX = "portal_case_"
NOT_FOUND_MESSAGE = "编号或查询码不正确"


def max_request_bytes() -> int:
    """Hard cap on a submission's body: two full-size attachments plus the form fields.

    Checked on CONTENT_LENGTH before anything reads the body. DATA_UPLOAD_MAX_MEMORY_SIZE does not
    count file parts, so without this a huge upload would be streamed to disk before any check.
    """
    default = 2 * settings.XINFANG_MAX_ATTACHMENT_BYTES + 1024 * 1024
    return int(getattr(settings, "XINFANG_PORTAL_MAX_REQUEST_BYTES", default))


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _session_key(petition_id: int) -> str:
    return f"{SESSION_CASE_PREFIX}{petition_id}"


def _grant(request: HttpRequest, petition: Petition) -> None:
    request.session[_session_key(petition.pk)] = True
    request.session.cycle_key()  # a new session id once it unlocks a case (no fixation)


def case_from_session(request: HttpRequest, number: str) -> Petition | None:
    """The case only if this browser unlocked it; "absent" and "not unlocked" look the same."""
    petition = selectors.portal_case_get(number=number)
    if petition is None or not request.session.get(_session_key(petition.pk)):
        return None
    return petition


# ---------------------------------------------------------------- home


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "max_mb": settings.XINFANG_MAX_ATTACHMENT_BYTES // 1048576,
        },
    )


# ---------------------------------------------------------------- submit


def _render_submit(request: HttpRequest, form: forms.Form, *, status: int = 200, error: str = "") -> HttpResponse:
    return render(
        request,
        "portal/submit.html",
        {
            "form": form,
            "error": error,
            "max_mb": settings.XINFANG_MAX_ATTACHMENT_BYTES // 1048576,
            "max_total_mb": max_request_bytes() // 1048576,
            "max_files": pf.MAX_FILES,
        },
        status=status,
    )


@csrf_exempt  # the CSRF check runs in _submit, after the size guard (the middleware would read the body)
@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if _content_length(request) > max_request_bytes():
            return _render_submit(
                request,
                pf.SubmitForm(),
                status=413,
                error=f"提交的内容过大（附件合计不能超过{max_request_bytes() // 1048576} MB），"
                f"请压缩或减少附件后重新提交。",
            )
        try:
            request.POST, request.FILES  # noqa: B018 - parse now, so a bad body gets a Chinese answer
        except (RequestDataTooBig, TooManyFieldsSent):
            return _render_submit(
                request, pf.SubmitForm(), status=413, error="提交的文字内容过长，较长材料请作为附件上传。"
            )
        except MultiPartParserError:
            return _render_submit(request, pf.SubmitForm(), status=400, error="提交的数据不完整，请重新提交。")
    return _submit(request)


@csrf_protect
def _submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_submit(request, pf.SubmitForm())
    form = pf.SubmitForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            reg = services.petition_submit_online(
                petitioner={
                    "name": d["name"],
                    "phone": d["phone"],
                    "id_number": d["id_number"],
                    "address": d["address"],
                },
                area=d["area"],
                category=d["category"],
                purpose=d["purpose"],
                title=d["title"],
                content=d["content"],
                attachments=d["attachments"],
                confidential=d["confidential"],
                accused_person=d["accused_person"],
                email=d["email"],
                send_query_code=d["send_query_code"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            # Shown once on the next page and popped there; never in a URL, never stored in clear.
            request.session[SESSION_NEW] = {
                "id": reg.petition.pk,
                "number": reg.petition.number,
                "code": reg.query_code,
            }
            _grant(request, reg.petition)
            return redirect("portal:submitted")
    return _render_submit(request, form, status=400)


@never_cache
@require_GET
def submitted(request: HttpRequest) -> HttpResponse:
    stash = request.session.pop(SESSION_NEW, None)
    if not stash:
        return render(request, "portal/submitted.html", {"shown": True})
    return render(
        request,
        "portal/submitted.html",
        {
            "number": stash["number"],
            "code": services.format_query_code(stash["code"]),
        },
    )


# ---------------------------------------------------------------- lookup


def _render_lookup(request: HttpRequest, form: forms.Form, *, status: int = 200, error: str = "") -> HttpResponse:
    return render(request, "portal/lookup.html", {"form": form, "error": error}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_lookup(request, pf.LookupForm())
    ip = client_ip(request)
    number = str(request.POST.get("number") or "").strip()[:40]
    if throttle.lookup_blocked(ip=ip, number=number):
        response = _render_lookup(
            request,
            pf.LookupForm(),
            status=429,
            error=f"查询失败次数过多，请{throttle.window_minutes()}分钟后再试。如查询码遗失，请联系登记您信访事项的信访部门。",
        )
        response["Retry-After"] = str(throttle.WINDOW_SECONDS)
        return response
    form = pf.LookupForm(request.POST)
    if not form.is_valid():
        return _render_lookup(request, form, status=400)
    petition = services.petition_find_by_query_code(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
    if petition is None:
        throttle.lookup_failed(ip=ip, number=number)
        # A fresh form: nothing echoed, so a wrong number and a wrong code give the same page.
        return _render_lookup(request, pf.LookupForm(), status=400, error=NOT_FOUND_MESSAGE)
    _grant(request, petition)
    return redirect("portal:case", number=petition.number)


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    """Forget every case this browser unlocked (a shared computer)."""
    for key in [k for k in list(request.session.keys()) if k.startswith(SESSION_CASE_PREFIX)]:
        del request.session[key]
    messages.info(request, "已退出查询。再次查看请输入编号和查询码。")
    return redirect("portal:home")


# ---------------------------------------------------------------- case page and the citizen's actions


def _case_context(petition: Petition, bound: dict[str, forms.Form] | None = None) -> dict[str, Any]:
    bound = bound or {}
    status = petition.status
    can_rate = status == Status.REPLIED
    can_review = (
        status in (Status.REPLIED, Status.REVISIT, Status.CLOSED)  # 不满意待研判 too: the window runs on
        and petition.review_level == 0
        and deadline_window_open(petition=petition, code="review_request")
    )
    can_recheck = status == Status.REVIEWED and deadline_window_open(petition=petition, code="recheck_request")
    return {
        "p": petition,
        "status_plain": selectors.STATUS_PLAIN.get(status, ""),
        "steps": selectors.portal_public_steps(petition=petition),
        "documents": [
            {"event": e, "title": NOTICE_TITLES.get(e.action, "信访事项告知书")}
            for e in selectors.portal_documents(petition=petition)
        ],
        "deadlines": selectors.portal_deadlines(petition=petition),
        "rate_form": (bound.get("rate") or pf.RateForm(auto_id="rate_%s")) if can_rate else None,
        "review_form": (bound.get("review") or pf.ReviewRequestForm(auto_id="review_%s")) if can_review else None,
        "recheck_form": (bound.get("recheck") or pf.RecheckRequestForm(auto_id="recheck_%s")) if can_recheck else None,
    }


def to_lookup(request: HttpRequest) -> HttpResponse:
    messages.info(request, "请输入信访件编号和查询码查看办理情况。")
    return redirect("portal:lookup")


@never_cache
@require_GET
def case(request: HttpRequest, number: str) -> HttpResponse:
    petition = case_from_session(request, number)
    if petition is None:
        return to_lookup(request)
    return render(request, "portal/case.html", _case_context(petition))


@never_cache
@require_GET
def case_notice(request: HttpRequest, number: str, event_id: int) -> HttpResponse:
    """The petitioner's own written decision, printable; the same access as the case page."""
    petition = case_from_session(request, number)
    if petition is None:
        return to_lookup(request)
    event = selectors.portal_document_get(petition=petition, event_id=event_id)
    if event is None:
        raise Http404("没有这份文书")
    issuer = petition.current_unit or petition.office_unit
    if event.unit_id:
        issuer = event.unit or issuer
    title = NOTICE_TITLES.get(event.action, "信访事项告知书")
    response = render(
        request,
        "petitions/notice.html",
        {
            "p": petition,
            "e": event,
            "title": title,
            # The portal keeps identity out (selectors' rule; a shared computer): "信访人", not the name.
            "identity_visible": False,
            "issuer": issuer,
            "portal": True,
        },
    )
    if request.GET.get("download"):
        filename = quote(f"{title}-{petition.number}.html")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _case_action(
    request: HttpRequest,
    number: str,
    *,
    key: str,
    form_class: type[forms.Form],
    run: Callable[[Petition, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    petition = case_from_session(request, number)
    if petition is None:
        return to_lookup(request)
    form = form_class(request.POST, auto_id=f"{key}_%s")  # unique element ids when several forms show
    if form.is_valid():
        try:
            run(petition, form.cleaned_data)
        except DomainError as exc:
            # InvalidTransition from a double click or a stale page lands here too: nothing changed.
            apply_domain_error(form, exc)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("portal:case", args=[petition.number]))
    petition.refresh_from_db()
    ctx = _case_context(petition, bound={key: form})
    ctx["action_errors"] = [str(e) for errs in form.errors.values() for e in errs]
    return render(request, "portal/case.html", ctx, status=400)


@never_cache
@require_POST
def case_rate(request: HttpRequest, number: str) -> HttpResponse:
    return _case_action(
        request,
        number,
        key="rate",
        form_class=pf.RateForm,
        done="感谢您的评价。",
        run=lambda p, d: services.petition_rate(petition_id=p.pk, rating=d["rating"], comment=d["comment"]),
    )


@never_cache
@require_POST
def case_review(request: HttpRequest, number: str) -> HttpResponse:
    return _case_action(
        request,
        number,
        key="review",
        form_class=pf.ReviewRequestForm,
        done="已提交复查请求。",
        run=lambda p, d: services.petition_request_review(petition_id=p.pk, reason=d["reason"], ip=client_ip(request)),
    )


@never_cache
@require_POST
def case_recheck(request: HttpRequest, number: str) -> HttpResponse:
    return _case_action(
        request,
        number,
        key="recheck",
        form_class=pf.RecheckRequestForm,
        done="已提交复核请求。",
        run=lambda p, d: services.petition_request_recheck(petition_id=p.pk, reason=d["reason"], ip=client_ip(request)),
    )
