"""Staff pages for Excel/CSV import and export: parse → check → importer/exporter → render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Role, Unit
from xinfang.core.errors import DomainError, ValidationFailed

from .. import exporter, import_jobs, importer
from ..list_filters import ListFilterForm
from .base import client_ip, staff_required


class ImportForm(forms.Form):
    file = forms.FileField(label="导入文件（.xlsx 或 .csv）")
    partial = forms.TypedChoiceField(
        label="有问题行时",
        choices=[("0", "全部正确才导入（有任何问题行则不导入）"), ("1", "只导入正确的行，问题行列出")],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )


def _import_offices(user: Any) -> list[Unit]:
    ctx = actor_context(user)
    return [u for u in ctx.units_with(Role.CLERK, Role.DISPATCHER) if u.kind == Unit.Kind.XINFANG]


@staff_required
@require_http_methods(["GET", "POST"])
def io_page(request: HttpRequest) -> HttpResponse:
    """Import (clerks and dispatchers of a 信访部门) and the export help (every staff member).

    A valid upload becomes a background job (import_jobs) and the browser goes to its page (303)."""
    can_import = bool(_import_offices(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied("只有信访部门的登记员或受理分办人员可以导入信访事项")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_jobs.import_job_create(
                    actor=request.user,
                    upload=upload,
                    filename=upload.name or "upload",
                    partial=form.cleaned_data["partial"],
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                response = redirect("petitions:io-job", pk=job.pk)
                response.status_code = 303
                return response
        status = 400
    return render(
        request,
        "petitions/io_page.html",
        {
            "form": form,
            "can_import": can_import,
            "jobs": import_jobs.import_job_list(actor=request.user) if can_import else [],
            "max_mb": importer.max_bytes() // 1048576,
            "max_rows": importer.max_rows(),
            "columns": importer.COLUMNS,
            "export_max": exporter.max_rows(),
            "export_form": ListFilterForm(),
        },
        status=status,
    )


@staff_required
@require_GET
def io_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One import job: state, progress bar (polled with htmx while it runs) and, at the end, the report."""
    job = import_jobs.import_job_get(actor=request.user, job_id=pk)
    return render(request, "petitions/io_job.html", {"view": import_jobs.import_job_view(job)})


@staff_required
@require_GET
def io_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job page's status block alone, for htmx polling."""
    job = import_jobs.import_job_get(actor=request.user, job_id=pk)
    return render(request, "petitions/_io_job_status.html", {"view": import_jobs.import_job_view(job)})


@staff_required
@require_GET
def io_template(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format") == "csv":
        response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            "attachment; filename*=UTF-8''%E4%BF%A1%E8%AE%BF%E4%BA%8B%E9%A1%B9%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.csv"
        )
        return response
    response = HttpResponse(
        importer.template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E4%BF%A1%E8%AE%BF%E4%BA%8B%E9%A1%B9%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@staff_required
@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    """The list page's filters (same query string) as an .xlsx, personal data masked; audited."""
    filters: dict[str, Any] = {k: request.GET.get(k, "").strip()[:100] for k in exporter.FILTER_KEYS}
    form = ListFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        filters["date_from"] = form.cleaned_data.get("date_from")
        filters["date_to"] = form.cleaned_data.get("date_to")
    else:
        filters.pop("date_from"), filters.pop("date_to")
    try:
        out, _count = exporter.export_petitions(user=request.user, filters=filters, ip=client_ip(request))
    except ValidationFailed as exc:
        return render(request, "petitions/io_export_refused.html", {"message": exc.message}, status=400)
    return FileResponse(
        out,
        as_attachment=True,
        filename="信访事项导出.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
