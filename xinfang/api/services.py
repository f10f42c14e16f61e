"""Writes for API tokens and Open311 keys: issue (the clear value is returned once) and revoke.

Each credential gets its own service user with posts in the credential's unit, so the ordinary
access rules apply to whatever the credential does, and the audit log names it ("接口：NAME").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from xinfang.accounts.models import ACCESS, Role, Unit, User
from xinfang.accounts.services import user_create
from xinfang.core import versioned
from xinfang.core.audit import audit_record
from xinfang.core.errors import ValidationFailed

from .models import ApiToken, Credential, Open311Key, Open311Submission

C = TypeVar("C", bound=Credential)

TOKEN_PREFIX = "xft_"
KEY_PREFIX = "o311_"
USERNAME_SAFE = re.compile(r"^[A-Za-z0-9_.@+-]{1,60}$")


@dataclass
class Issued:
    credential: Credential
    raw: str  # shown once; only its SHA-256 is stored


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _service_user(*, kind: str, name: str, unit: Unit, roles: list[str], actor: Any) -> User:
    slug = name if USERNAME_SAFE.match(name) else secrets.token_hex(6)
    username = f"{kind}-{slug}"
    while User.objects.filter(username=username).exists():
        username = f"{kind}-{slug}-{secrets.token_hex(3)}"
    # A long random password nobody ever sees: the account cannot sign in to the pages.
    return user_create(
        username=username,
        password=secrets.token_urlsafe(32),
        full_name=f"接口：{name}"[:50],
        unit=unit,
        roles=roles,
        actor=actor,
    )


def _issue(
    model: type[C],
    *,
    kind: str,
    prefix: str,
    name: str,
    unit: Unit,
    roles: list[str],
    actor: Any,
    instance: C | None = None,
) -> Issued:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写名称", field="name")
    if len(name) > 100:
        raise ValidationFailed("名称不超过100字", field="name")
    if model.objects.filter(name=name).exists():
        raise ValidationFailed(f"名称“{name}”已被使用", field="name")
    roles = [r.strip() for r in roles if r and r.strip()]
    if not roles:
        raise ValidationFailed("请至少选择一个岗位", field="roles")
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationFailed(f"未知的岗位：{'、'.join(unknown)}（可选：{', '.join(Role.values)}）", field="roles")
    if Role.ADMIN in roles:
        raise ValidationFailed("接口账号不能授予系统管理员岗位", field="roles")
    if not unit.active:
        raise ValidationFailed("该单位已停用", field="unit")
    user = _service_user(kind=kind, name=name, unit=unit, roles=roles, actor=actor)
    raw = prefix + secrets.token_urlsafe(32)
    credential = instance if instance is not None else model()
    credential.name, credential.unit, credential.user = name, unit, user
    credential.prefix, credential.digest = raw[: len(prefix) + 6], digest(raw)
    credential.save(force_insert=True)
    audit_record(
        actor=actor or "系统",
        action=f"api.{kind}.create",
        target=credential,
        unit_id=unit.pk,
        data={"name": name, "roles": roles, "user": user.username},
    )
    return Issued(credential=credential, raw=raw)


@transaction.atomic
def api_token_create(
    *, name: str, unit: Unit, roles: list[str], actor: Any = None, instance: ApiToken | None = None
) -> Issued:
    """A token for a system calling the REST API, acting with `roles` in `unit`."""
    return _issue(
        ApiToken, kind="api", prefix=TOKEN_PREFIX, name=name, unit=unit, roles=roles, actor=actor, instance=instance
    )


@transaction.atomic
def open311_key_create(*, name: str, unit: Unit, actor: Any = None, instance: Open311Key | None = None) -> Issued:
    """An Open311 api_key: POSTed requests are registered (登记) at `unit`, which must be a 信访部门."""
    if unit.kind != Unit.Kind.XINFANG:
        raise ValidationFailed("Open311 密钥只能绑定信访部门（登记单位）", field="unit")
    return _issue(
        Open311Key,
        kind="o311",
        prefix=KEY_PREFIX,
        name=name,
        unit=unit,
        roles=[Role.CLERK],
        actor=actor,
        instance=instance,
    )


@transaction.atomic
def credential_revoke(*, credential: Credential, actor: Any = None) -> Credential:
    """Revoke at once; the service user is deactivated too (its history stays for the audit trail)."""
    if credential.revoked_at is not None:
        raise ValidationFailed(f"“{credential.name}”已于{credential.revoked_at:%Y-%m-%d %H:%M}吊销", field="name")
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    User.objects.filter(pk=credential.user_id).update(is_active=False)
    kind = "api" if isinstance(credential, ApiToken) else "o311"
    audit_record(
        actor=actor or "系统",
        action=f"api.{kind}.revoke",
        target=credential,
        unit_id=credential.unit_id,
        data={"name": credential.name},
    )
    return credential


def credential_lookup(model: type[C], raw: str) -> C | None:
    """The active credential with this clear value, or None (unknown and revoked look the same).

    Found credentials are kept in the worker's memory behind the "access" token, which issuing, revoking
    or deleting a credential and any change to users renew in the same transaction: a revocation is seen
    by the next request of every worker. Each call gets its own copies (credential, user, unit); what was
    not found is not kept (made-up tokens must not fill the memory)."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 200:
        return None
    key = digest(raw)

    def load() -> C | None:
        return model.objects.select_related("user", "unit").filter(digest=key, revoked_at__isnull=True).first()

    found = versioned.cached(ACCESS, f"{model._meta.label}:{key}", load, keep=lambda c: c is not None)
    if found is None or not found.user.is_active:
        return None
    return versioned.own_copy(found, "user", "unit")


_last_touch: dict[tuple[str, int, str], dt.datetime] = {}


def credential_touch(credential: Credential) -> None:
    """Record the last use, at most once a minute per credential and worker (no write on every request).
    Through the plain base manager: no cache reads last_used_at, so it leaves the "access" token alone."""
    now = timezone.now()
    slot = (credential._meta.label, credential.pk, credential.digest)
    last = max(filter(None, (credential.last_used_at, _last_touch.get(slot))), default=None)
    if last and (now - last).total_seconds() < 60:
        return
    type(credential)._base_manager.filter(pk=credential.pk).update(last_used_at=now)
    credential.last_used_at = _last_touch[slot] = now


@transaction.atomic
def open311_request_register(
    *, key: Open311Key, submission: dict[str, Any], **registration: Any
) -> tuple[Any, Open311Submission]:
    """An Open311 POST: the case (petitions.services.petition_register, as the key's user) and its
    submission record with the token in one transaction, so a failure in either leaves neither."""
    from xinfang.petitions import services as petition_services

    reg = petition_services.petition_register(actor=key.user, **registration)
    row = Open311Submission.objects.create(key=key, petition=reg.petition, token=secrets.token_hex(16), **submission)
    return reg, row
