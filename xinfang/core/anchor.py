"""Anchors of the audit chain: its head, signed and published outside the database.

The hash chain (core/audit.py) shows a row changed or removed, but someone who can write the database can
recompute the whole chain and its head. An anchor is the head (last id, last hash) at a moment, signed
with an Ed25519 key the database never holds, appended to an append-only file and, where configured,
mailed and POSTed to a second system. `audit_verify --anchors FILE` then checks that the chain still has,
at each anchored id, the anchored hash: a rewritten chain does not (docs/operations.md, "Audit anchors").
"""

from __future__ import annotations

import base64
import json
import logging
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

log = logging.getLogger(__name__)

VERSION = 1


def generate_key() -> str:
    """A new private key: the base64 of a 32-byte Ed25519 seed (for XINFANG_ANCHOR_KEY or its file)."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.urlsafe_b64encode(raw).decode()


def _seed(raw: str) -> bytes:
    try:
        seed = base64.urlsafe_b64decode(raw.strip().encode())
    except ValueError:
        seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured("XINFANG_ANCHOR_KEY 必须是 32 字节 Ed25519 私钥种子的 base64 编码")
    return seed


def _configured_seed() -> str:
    key = str(getattr(settings, "XINFANG_ANCHOR_KEY", "") or "") or os.environ.get("XINFANG_ANCHOR_KEY", "")
    if key:
        return key
    path = Path(os.environ.get("XINFANG_ANCHOR_KEY_FILE", "") or settings.XINFANG_ANCHOR_KEY_FILE_DEFAULT)
    if not path.exists():  # development only: prod refuses to start without XINFANG_ANCHOR_KEY
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generate_key(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_seed(_configured_seed()))


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).decode()


def public_key() -> Ed25519PublicKey:
    """XINFANG_ANCHOR_PUBLIC_KEY where set (a second machine checks without the private key), else the
    public half of the configured private key."""
    text = str(getattr(settings, "XINFANG_ANCHOR_PUBLIC_KEY", "") or "")
    if text:
        return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(text.encode()))
    return private_key().public_key()


def _payload(anchor: dict[str, Any]) -> bytes:
    body = {k: v for k, v in anchor.items() if k != "sig"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def anchor_make() -> dict[str, Any]:
    """The chain's head now, signed."""
    head = AuditChainHead.objects.filter(id=1).first()
    key = private_key()
    anchor: dict[str, Any] = {
        "v": VERSION,
        "at": timezone.now().replace(microsecond=0).isoformat(),
        "last_id": head.last_id if head else 0,
        "last_hash": head.last_hash if head else "0" * 64,
        "rows": AuditEvent.objects.count(),
        "key": public_key_text(key.public_key()),
    }
    anchor["sig"] = base64.urlsafe_b64encode(key.sign(_payload(anchor))).decode()
    return anchor


def anchor_publish(*, path: Path | None = None) -> dict[str, Any]:
    """Sign the head and publish it: one JSON line appended (O_APPEND, fsync) to the anchor file, then
    mailed to XINFANG_ANCHOR_EMAILS and POSTed to XINFANG_ANCHOR_URL where set. The file is written
    first: a second system that is down does not lose the anchor (the error is raised after)."""
    anchor = anchor_make()
    line = json.dumps(anchor, sort_keys=True, ensure_ascii=False) + "\n"
    target = Path(path or settings.XINFANG_ANCHOR_FILE)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    errors = []
    emails = list(getattr(settings, "XINFANG_ANCHOR_EMAILS", []) or [])
    if emails:
        try:
            send_mail(
                f"{settings.XINFANG_SITE_NAME} 审计链锚点 #{anchor['last_id']}",
                "审计链末端签名（请原样保存，核验时使用 audit_verify --anchors）：\n\n" + line,
                None,
                emails,
            )
        except Exception as exc:  # noqa: BLE001 - reported below, after the file is safe
            errors.append(f"邮件发送失败：{exc}")
    url = str(getattr(settings, "XINFANG_ANCHOR_URL", "") or "")
    if url and not url.startswith(("https://", "http://")):
        errors.append("XINFANG_ANCHOR_URL 必须是 http(s) 地址")
    elif url:
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            url, data=line.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310 - configured by the operator
                if resp.status >= 300:
                    errors.append(f"锚点接收地址返回 {resp.status}")
        except OSError as exc:
            errors.append(f"锚点接收地址无法送达：{exc}")
    if errors:
        log.error("audit anchor %s written to %s, but: %s", anchor["last_id"], target, "; ".join(errors))
        raise RuntimeError("；".join(errors))
    return anchor


@dataclass(frozen=True)
class AnchorFinding:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"锚点文件第 {self.line} 行：{self.reason}"


def anchors_check(path: Path, *, key: Ed25519PublicKey | None = None) -> tuple[int, list[AnchorFinding]]:
    """Check the chain as it is now against every anchor in `path`. Returns (anchors checked, findings):
    an anchor whose signature fails (the file was edited), or whose id no longer carries its hash (the
    chain was rewritten, or cut short)."""
    key = key or public_key()
    findings: list[AnchorFinding] = []
    anchors: list[tuple[int, dict[str, Any]]] = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        return 0, [AnchorFinding(0, f"无法读取锚点文件：{exc}")]
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            anchor = json.loads(raw)
            key.verify(base64.urlsafe_b64decode(str(anchor["sig"]).encode()), _payload(anchor))
        except (ValueError, KeyError, TypeError, InvalidSignature):
            findings.append(AnchorFinding(number, "签名无效或格式错误（锚点被改动，或不是本系统密钥签发）"))
            continue
        anchors.append((number, anchor))
    ids = {int(a["last_id"]) for _, a in anchors}
    hashes = dict(AuditEvent.objects.filter(id__in=ids).values_list("id", "hash"))
    for number, anchor in anchors:
        last_id = int(anchor["last_id"])
        if last_id == 0:
            continue
        found = hashes.get(last_id)
        if found is None:
            findings.append(
                AnchorFinding(number, f"{anchor['at']} 锚定的第 {last_id} 条审计记录已不存在（审计链被截短或改写）")
            )
        elif found != anchor["last_hash"]:
            findings.append(
                AnchorFinding(
                    number, f"第 {last_id} 条审计记录的校验值与 {anchor['at']} 发布的锚点不符（审计链被整体改写）"
                )
            )
    return len(anchors), findings
