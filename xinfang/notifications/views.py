"""Staff pages: the inbox behind the bell, channel preferences, the outbox for office administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.core.errors import DomainError

from . import selectors, services
from .forms import OutboxFilterForm, PreferenceForm
from .links import case_url
from .models import Preference


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_for(request.user), 30).get_page(request.GET.get("page"))
    for m in page:
        m.case_url = case_url(m.case_id)  # type: ignore[attr-defined]
    return render(request, "notifications/inbox.html", {"page": page, "unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    services.inbox_mark_read(user=request.user, message_ids=ids or None)
    return HttpResponseRedirect(reverse("notifications:inbox"))


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's count, for htmx to refresh without reloading the page."""
    return render(request, "notifications/_bell.html", {"unread": selectors.unread_count(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    pref = Preference.objects.filter(user_id=request.user.pk or 0).first()
    initial = {"email": pref.email, "sms": pref.sms} if pref else {}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_set(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "通知方式已保存")
            return HttpResponseRedirect(reverse("notifications:preferences"))
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "pref": pref},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    if not selectors.can_see_outbox(request.user):
        raise PermissionDenied("只有信访部门和系统管理员可以查看发件箱")
    form = OutboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.outbox_list(
        channel=data.get("channel", ""),
        state=data.get("state", ""),
        event=data.get("event", ""),
        case_number=data.get("case", ""),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"form": form, "page": page})
