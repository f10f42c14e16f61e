from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xinfang.core.errors import ValidationFailed

from .forms import CalculatorForm
from .services import deadline_calculate


@login_required
@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    """期限计算器: any logged-in staff member may check how a limit is counted."""
    form = CalculatorForm(request.GET or None)
    calc = None
    if form.is_bound and form.is_valid():
        try:
            calc = deadline_calculate(
                code=form.cleaned_data["rule"], start=form.cleaned_data["start"], area_code=form.cleaned_data["area"]
            )
        except ValidationFailed as exc:
            form.add_error("area" if exc.field == "area" else None, exc.message)
    return render(request, "deadlines/calculator.html", {"form": form, "calc": calc})
