"""Staff pages for a case's 公文: the stored notices, issuing a new version, download (.docx or PDF),
and recording 送达. Same access as the case page (access_petition); writes go through notices_docs."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from xinfang.core.access_log import access_log
from xinfang.core.errors import DomainError
from xinfang.core.models import AccessLog
from xinfang.core.timeutil import SHANGHAI
from xinfang.documents import services as docs
from xinfang.documents.models import Delivery, Document
from xinfang.petitions.access import access_petition, can_see_identity

from .. import letters, notices_docs
from ..downloads import download_check
from ..models import Petition
from .base import staff_required

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(label="送达方式", choices=Delivery.Method.choices)
    delivered_at = forms.DateTimeField(label="送达时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    tracking_number = forms.CharField(label="邮件单号", required=False, max_length=40)
    note = forms.CharField(label="说明", required=False, max_length=200)


def file_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    resp = HttpResponse(content, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def document_file(document: Document, fmt: str) -> HttpResponse:
    """The stored .docx, or its PDF where LibreOffice is installed (converted on request, never stored)."""
    content = docs.document_content(document)
    if fmt == "pdf":
        pdf = docs.pdf_convert(content)
        if pdf is None:
            raise Http404("本系统未安装PDF转换组件，请下载Word版本")
        return file_response(
            pdf, filename=document.filename.removesuffix(".docx") + ".pdf", content_type="application/pdf"
        )
    return file_response(content, filename=document.filename, content_type=DOCX)


def _document(request: HttpRequest, petition: Petition, doc_id: int) -> Document:
    doc = Document.objects.filter(subject_type=letters.SUBJECT, subject_id=petition.pk, pk=doc_id).first()
    # A letter to a confidential petitioner carries the name: hidden like the letter attachment.
    if doc is None or (doc.for_petitioner and petition.confidential and not can_see_identity(request.user, petition)):
        raise Http404("文书不存在或无权查看")
    return doc


@staff_required
@require_GET
def documents(request: HttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk)
    rows = docs.documents_of(subject_type=letters.SUBJECT, subject_id=petition.pk)
    ready = [(kind, spec.label) for kind, spec in letters.SPECS.items() if spec.ready(petition)]
    now = timezone.now().astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    return render(
        request,
        "petitions/documents.html",
        {
            "p": petition,
            "rows": rows,
            "ready": ready,
            "delivery_form": DeliveryForm(initial={"delivered_at": now, "method": Delivery.Method.IN_PERSON}),
            "pdf": docs.pdf_converter() is not None,
        },
    )


@staff_required
@require_POST
def document_issue(request: HttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)
    try:
        doc = notices_docs.notice_issue(actor=request.user, petition_id=petition.pk, kind=request.POST.get("kind", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已生成{doc.title}（{doc.doc_number}，第{doc.version}版）")
    return redirect("petitions:documents", pk=petition.pk)


@staff_required
@require_GET
def document_download(request: HttpRequest, pk: int, doc_id: int) -> HttpResponse:
    petition = access_petition(request.user, pk)
    doc = _document(request, petition, doc_id)
    download_check(request, "document", doc.pk)
    fmt = request.GET.get("format", "docx")
    access_log(
        actor=request.user,
        kind=AccessLog.Kind.DOCUMENT,
        petition_id=petition.pk,
        reference=petition.number,
        target=f"{doc.title}（{doc.doc_number}，第{doc.version}版）",
        data={"document": doc.pk, "format": fmt},
    )
    return document_file(doc, fmt)


@staff_required
@require_POST
def document_deliver(request: HttpRequest, pk: int, doc_id: int) -> HttpResponse:
    petition = access_petition(request.user, pk, for_write=True)
    doc = _document(request, petition, doc_id)
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        messages.error(request, f"送达登记未保存：{first}")
        return redirect("petitions:documents", pk=petition.pk)
    delivered_at: dt.datetime = form.cleaned_data["delivered_at"]
    try:
        notices_docs.notice_deliver(
            actor=request.user,
            petition_id=petition.pk,
            document_id=doc.pk,
            method=form.cleaned_data["method"],
            delivered_at=delivered_at,
            tracking_number=form.cleaned_data["tracking_number"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        messages.error(request, f"送达登记未保存：{exc.message}")
    else:
        messages.success(request, f"已登记{doc.title}（{doc.doc_number}）的送达")
    return redirect("petitions:documents", pk=petition.pk)
