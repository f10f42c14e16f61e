"""Attachments, the petitioner's identity (release, unmask) and 领导包案."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Role
from xinfang.core import crypto
from xinfang.core.audit import audit_record
from xinfang.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from xinfang.petitions.access import can_see_identity

from ..models import (
    Attachment,
    Petition,
)
from ..workflow import Action
from ._common import (
    _lock,
    _require,
    _save_files,
    _transition,
    check_files,
)

# ---------------------------------------------------------------- materials and personal data


@transaction.atomic
def petition_attach(*, actor: Any, petition_id: int, files: list[UploadedFile[Any]], kind: str) -> list[Attachment]:
    petition = _lock(petition_id)
    if not files:
        raise ValidationFailed("请选择要上传的文件", field="files")
    if kind not in Attachment.Kind.values:
        raise ValidationFailed("附件类型无效", field="kind")
    content_types = check_files(files, field="files")
    _transition(petition, Action.ATTACH, actor=actor, note="上传附件：" + "、".join(f.name or "" for f in files))
    return _save_files(petition, files, kind=kind, actor=actor, content_types=content_types)


@transaction.atomic
def petition_release_identity(*, actor: Any, petition_id: int, reason: str) -> Petition:
    """The office lets the handling unit see a confidential petitioner's identity, with a reason."""
    petition = _lock(petition_id)
    reason = _require(reason, "请填写公开身份的理由", "reason")
    if not petition.confidential or petition.identity_released:
        raise InvalidTransition("该信访人未要求保密或身份已公开")
    _transition(petition, Action.RELEASE_IDENTITY, actor=actor, note=reason)
    petition.identity_released = True
    petition.save(update_fields=["identity_released", "updated_at"])
    return petition


@transaction.atomic
def petition_take_on(*, actor: Any, petition_id: int, note: str = "") -> Petition:
    """领导包案 (Art 18(2)): a leader takes personal charge of a hard case."""
    petition = _lock(petition_id)
    if petition.leader_id:
        assert petition.leader is not None  # a set leader_id is a loaded leader
        raise InvalidTransition(f"该信访事项已由{petition.leader.get_full_name()}包案")
    _transition(petition, Action.TAKE_ON, actor=actor, note=note or "领导包案")
    petition.leader = actor
    petition.save(update_fields=["leader", "updated_at"])
    return petition


def _leader_change_check(actor: Any, petition: Petition) -> None:
    if petition.leader_id is None:
        raise InvalidTransition("该信访事项尚无包案领导")
    ctx = actor_context(actor)
    if petition.leader_id != ctx.user_id and not ctx.roles_in(petition.office_unit_id) & {Role.DISPATCHER, Role.HEAD}:
        raise NotPermitted("只有包案领导本人或登记信访部门的分办、负责人可以移交或解除包案")


@transaction.atomic
def petition_hand_over(*, actor: Any, petition_id: int, to_leader: Any, reason: str) -> Petition:
    """The 包案 leader (or the office) hands the case to another leader, with a reason."""
    petition = _lock(petition_id)
    reason = _require(reason, "请填写移交包案的理由", "reason")
    _leader_change_check(actor, petition)
    if to_leader.pk == petition.leader_id:
        raise ValidationFailed("移交对象与现包案领导相同", field="leader")
    if not actor_context(to_leader).has_role(Role.LEADER):
        raise ValidationFailed(f"{to_leader.get_full_name()}没有领导岗位，不能包案", field="leader")
    old = petition.leader
    note = f"{old.get_full_name() if old else ''}移交{to_leader.get_full_name()}包案：{reason}"
    _transition(
        petition, Action.HAND_OVER, actor=actor, note=note, data={"from": petition.leader_id, "to": to_leader.pk}
    )
    petition.leader = to_leader
    petition.save(update_fields=["leader", "updated_at"])
    return petition


@transaction.atomic
def petition_release_leader(*, actor: Any, petition_id: int, reason: str) -> Petition:
    """The 包案 ends before the case does (e.g. the leader's post changed), with a reason."""
    petition = _lock(petition_id)
    reason = _require(reason, "请填写解除包案的理由", "reason")
    _leader_change_check(actor, petition)
    old = petition.leader
    _transition(
        petition, Action.RELEASE_LEADER, actor=actor, note=f"解除{old.get_full_name() if old else ''}包案：{reason}"
    )
    petition.leader = None
    petition.save(update_fields=["leader", "updated_at"])
    return petition


UNMASK_ROLES = {Role.CLERK, Role.DISPATCHER, Role.HEAD, Role.HANDLER}


def petition_unmask(*, actor: Any, petition: Petition, reason: str, ip: str | None = None) -> dict[str, str]:
    """Full ID and phone, for a user with the right who gives a reason. Every unmasking is logged."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed("查看完整号码须填写理由", field="reason")
    ctx = actor_context(actor)
    related = {petition.office_unit_id, petition.current_unit_id, petition.review_unit_id}
    if not any(ctx.roles_in(uid) & UNMASK_ROLES for uid in related if uid) or not can_see_identity(actor, petition):
        raise NotPermitted("您没有查看完整身份证号和电话的权限")
    audit_record(actor=actor, action="pii.unmask", target=petition, ip=ip, data={"reason": reason[:200]})
    return {
        "id_number": crypto.decrypt(petition.id_number_enc),
        "phone": crypto.decrypt(petition.phone_enc),
        "name": crypto.decrypt(petition.petitioner_name_enc),
        "address": crypto.decrypt(petition.petitioner_address_enc),
    }
