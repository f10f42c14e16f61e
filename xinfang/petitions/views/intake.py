"""Registration by a clerk: the form, the confirmation page, the same-person lookup."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from xinfang.accounts.access import actor_context
from xinfang.core.errors import DomainError
from xinfang.petitions.access import access_petition

from .. import forms as f
from .. import selectors, services
from ..workflow import Status
from .base import apply_domain_error, staff_required


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
