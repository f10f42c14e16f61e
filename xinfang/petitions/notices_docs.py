"""The written notices of a case's lifecycle (书面告知), each composed as a letter and rendered as a
公文 through xinfang.documents: 受理告知书, 不予受理告知书, 转送/交办函, 延期告知书, 信访处理意见书,
复查意见书, 复核意见书.

The documents app knows templates, 文号 and storage; this module knows the case: who writes to whom,
which articles of 《信访工作条例》 apply, and which real unit (the level above in the organisation
tree) the petitioner may turn to next.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from xinfang.core.audit import audit_record
from xinfang.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from xinfang.core.timeutil import format_cn_date, local_date
from xinfang.documents import services as docs
from xinfang.documents.models import Delivery, Document
from xinfang.documents.seals import document_seal
from xinfang.petitions.access import can_see, can_see_identity
from xinfang.petitions.deadlines import schedule as deadlines

from .letters import COMPOSERS, SPECS, SUBJECT, Letter, NoticeSpec, abbreviation, doc_date
from .models import Petition
from .seals import events_seal
from .timeline import event_record
from .workflow import Status

ISSUE_ACTION = "issue_document"
DELIVER_ACTION = "deliver_document"


def notice_check(petition: Petition, kind: str) -> NoticeSpec:
    spec = SPECS.get(kind)
    if spec is None:
        raise ValidationFailed(f"未知的文书种类：{kind}（可选：{'、'.join(SPECS)}）", field="kind")
    if not spec.ready(petition):
        status = Status(petition.status).label
        raise InvalidTransition(f"该信访事项当前为“{status}”，{spec.not_ready}，不能生成{spec.label}")
    return spec


def notice_context(*, petition: Petition, kind: str, doc_number: str, letter: Letter) -> dict[str, Any]:
    today = local_date()
    return {
        "kind": kind,
        "case_number": petition.number,
        "organ_header": letter.issuer.name,
        "doc_number": doc_number,
        "title": letter.title,
        "addressee": letter.addressee,
        "body": letter.body,
        "attachments": letter.attachments,
        "signer": letter.issuer.name,
        "date": doc_date(today),
        "contact": f"{letter.issuer.name}，电话{letter.issuer.phone}" if letter.issuer.phone else "",
        "cc": "，".join(u.name for u in letter.cc),
        "printer": letter.issuer.name,
        "print_gap": "　　　　",
        "print_date": format_cn_date(today),
    }


# ---------------------------------------------------------------- writes


def _lock(petition_id: int) -> Petition:
    try:
        return (
            Petition.objects.select_for_update(no_key=True, of=("self",))
            .select_related("current_unit__area", "office_unit__area", "review_unit__area", "area")
            .get(pk=petition_id)
        )
    except Petition.DoesNotExist:
        raise ValidationFailed("信访事项不存在") from None


def _check_actor(actor: Any, petition: Petition) -> None:
    """Staff who may see the case may print its notices; a command runs as the system (actor a str)."""
    if isinstance(actor, str):
        return
    if not can_see(actor, petition):
        raise NotPermitted("无权为该信访事项生成文书")
    if petition.confidential and not can_see_identity(actor, petition):
        raise NotPermitted("信访人要求身份保密，承办单位不能生成写有信访人姓名的文书，请由信访部门出具")


@transaction.atomic
def notice_issue(*, actor: Any, petition_id: int, kind: str) -> Document:
    """Compose, render and store the notice `kind` of a case as a new version, with its timeline event
    and audit record. A new version of the same letter to the same addressee keeps its 文号; versions
    already written are never changed."""
    petition = _lock(petition_id)
    spec = notice_check(petition, kind)
    _check_actor(actor, petition)
    letter = COMPOSERS[kind](petition)
    # The document row names its addressee; a petitioner only masked (the name is sealed, issue 20).
    recipient = (petition.petitioner_name_masked or "信访人") if spec.for_petitioner else letter.addressee
    previous = (
        Document.objects.filter(subject_type=SUBJECT, subject_id=petition.pk, kind=kind, recipient=recipient)
        .order_by("-version")
        .first()
    )
    doc_number = (
        previous.doc_number
        if previous and previous.issuer_id == letter.issuer.pk
        else docs.doc_number_next(
            unit=letter.issuer, word=abbreviation(letter.issuer) + spec.word, year=local_date().year
        )
    )
    context = notice_context(petition=petition, kind=kind, doc_number=doc_number, letter=letter)
    rendered = docs.document_render(kind=kind, owners=[letter.issuer, petition.office_unit], context=context)
    doc = docs.document_store(
        actor=actor,
        kind=kind,
        title=letter.title,
        subject_type=SUBJECT,
        subject_id=petition.pk,
        reference=petition.number,
        issuer=letter.issuer,
        recipient=recipient,
        for_petitioner=spec.for_petitioner,
        doc_number=doc_number,
        rendered=rendered,
    )
    data = {
        "document": doc.pk,
        "kind": kind,
        "doc_number": doc_number,
        "version": doc.version,
        "checksum": doc.checksum,
    }
    event = event_record(
        petition=petition,
        action=ISSUE_ACTION,
        actor=actor,
        unit=letter.issuer,
        note=f"生成{letter.title}（{doc_number}，第{doc.version}版）",
        public=spec.for_petitioner,
        public_text=f"{letter.issuer.name}向您出具了{letter.title}（{doc_number}）。" if spec.for_petitioner else "",
        data=data,
    )
    audit_record(
        actor=actor,
        action="petition.issue_document",
        target=petition,
        unit_id=letter.issuer.pk,
        data=data,
        seal={**events_seal([event]), **document_seal(doc)},
    )
    petition.save(update_fields=["updated_at"])
    return doc


# The petitioner's window each notice starts (Art 35, 36): counted from delivery, not from printing.
WINDOW_FROM_DELIVERY = {"reply": "review_request", "review": "recheck_request"}


@transaction.atomic
def notice_deliver(
    *,
    actor: Any,
    petition_id: int,
    document_id: int,
    method: str,
    delivered_at: dt.datetime,
    tracking_number: str = "",
    note: str = "",
) -> Delivery:
    """送达 of a notice to the petitioner; the petitioner's window of a 处理/复查意见书 restarts from the day
    of its first delivery (Art 35, 36: "自收到…之日起30日内")."""
    petition = _lock(petition_id)
    _check_actor(actor, petition)
    doc = Document.objects.filter(subject_type=SUBJECT, subject_id=petition.pk, pk=document_id).first()
    if doc is None:
        raise ValidationFailed("文书不存在", field="document")
    if not doc.for_petitioner:
        raise ValidationFailed("该文书不是送达信访人的文书", field="document")
    first = not doc.deliveries.exists()  # the window runs from the first delivery, not a later copy
    delivery = docs.delivery_record(
        actor=actor,
        document=doc,
        method=method,
        delivered_at=delivered_at,
        tracking_number=tracking_number,
        recipient=doc.recipient,
        note=note,
    )
    method_label = Delivery.Method(method).label
    data: dict[str, Any] = {"document": doc.pk, "delivery": delivery.pk, "method": method}
    window = WINDOW_FROM_DELIVERY.get(doc.kind)
    if first and window and deadlines.deadline_get_open(petition=petition, code=window) is not None:
        opened = deadlines.deadline_open(petition=petition, code=window, start=local_date(delivered_at))
        data["window"] = {"code": window, "due": opened.due_date.isoformat()}
    tracking = f"，邮件单号{delivery.tracking_number}" if delivery.tracking_number else ""
    event = event_record(
        petition=petition,
        action=DELIVER_ACTION,
        actor=actor,
        unit=doc.issuer,
        note=f"{doc.title}（{doc.doc_number}）{method_label}{tracking}",
        public=True,
        public_text=f"{doc.title}（{doc.doc_number}）已于{format_cn_date(local_date(delivered_at))}{method_label}。",
        data=data,
    )
    audit_record(
        actor=actor,
        action="petition.deliver_document",
        target=petition,
        unit_id=doc.issuer_id,
        data=data,
        seal=events_seal([event]),
    )
    petition.save(update_fields=["updated_at"])
    return delivery
