"""The petitioner's own notices on the portal: the list and the download, behind the same 查询码
session as the case page. Only documents addressed to the petitioner (for_petitioner) are shown."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from xinfang.core.access_log import access_log
from xinfang.core.models import AccessLog
from xinfang.documents.models import Delivery, Document
from xinfang.petitions import notices_docs
from xinfang.petitions.downloads import download_check
from xinfang.petitions.letters import SUBJECT
from xinfang.petitions.views.documents import document_file

from .views import case_from_session, to_lookup


def _own(petition_id: int) -> list[Document]:
    return list(
        Document.objects.filter(subject_type=SUBJECT, subject_id=petition_id, for_petitioner=True)
        .select_related("issuer")
        .order_by("created_at", "id")
    )


@never_cache
@require_GET
def case_documents(request: HttpRequest, number: str) -> HttpResponse:
    petition = case_from_session(request, number)
    if petition is None:
        return to_lookup(request)
    return render(request, "portal/case_documents.html", {"p": petition, "rows": _own(petition.pk)})


@never_cache
@require_GET
def case_document(request: HttpRequest, number: str, doc_id: int) -> HttpResponse:
    petition = case_from_session(request, number)
    if petition is None:
        return to_lookup(request)
    doc = next((d for d in _own(petition.pk) if d.pk == doc_id), None)
    if doc is None:
        raise Http404("文书不存在")
    download_check(request, "portal_document", doc.pk, portal_number=petition.number)
    access_log(
        actor="信访人（网上）",
        kind=AccessLog.Kind.PORTAL_DOCUMENT,
        petition_id=petition.pk,
        reference=petition.number,
        area_path=petition.area_path,
        target=f"{doc.title}（{doc.doc_number}）",
        data={"document": doc.pk},
    )
    response = document_file(doc, request.GET.get("format", "docx"))
    if not doc.deliveries.exists():
        # 网上送达: the petitioner has the notice the moment they download it; the first delivery
        # (this or one the office recorded earlier) starts their window.
        notices_docs.notice_deliver(
            actor="信访人（网上）",
            petition_id=petition.pk,
            document_id=doc.pk,
            method=Delivery.Method.ONLINE,
            delivered_at=timezone.now(),
        )
    return response
