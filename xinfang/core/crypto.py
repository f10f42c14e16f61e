"""Field-level protection of ID and phone numbers (PIPL Art 51; 居民身份证法 Art 19).

Values are sealed with AES-256-GCM (authenticated encryption from `cryptography`); beside each an
HMAC-SHA256 "blind index" lets us find a person by exact ID number or phone without decrypting.
Ciphertexts carry a key id so that keys can be rotated (`manage.py rotate_field_key`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "x1"


def _decode_key(raw: str) -> bytes:
    key = base64.urlsafe_b64decode(raw.strip().encode())
    if len(key) != 32:
        raise ImproperlyConfigured("XINFANG_FIELD_KEY 必须是 32 字节密钥的 base64 编码")
    return key


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@lru_cache(maxsize=4)
def _keyring(primary: str, old: str) -> tuple[bytes, dict[str, bytes]]:
    primary_key = _decode_key(primary)
    ring = {_key_id(primary_key): primary_key}
    for raw in filter(None, (k.strip() for k in old.split(","))):
        k = _decode_key(raw)
        ring[_key_id(k)] = k
    return primary_key, ring


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"kid" + key).hexdigest()[:8]


def _configured_key() -> str:
    key = getattr(settings, "XINFANG_FIELD_KEY", "") or os.environ.get("XINFANG_FIELD_KEY", "")
    if key:
        return str(key)
    key_file = os.environ.get("XINFANG_FIELD_KEY_FILE")
    if key_file:
        return _read_key_file(key_file)
    # Development only: a key generated once and kept under var/ (prod refuses to start without one).
    path = Path(settings.XINFANG_FIELD_KEY_FILE_DEFAULT)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generate_key(), encoding="utf-8")
        path.chmod(0o600)
    return _read_key_file(str(path))


@lru_cache(maxsize=4)
def _read_key_file(path: str) -> str:
    # Read once per process: sealing reads the key for every value (a 100,000-row import: 600,000 times).
    return Path(path).read_text(encoding="utf-8").strip()


def keys() -> tuple[bytes, dict[str, bytes]]:
    return _keyring(_configured_key(), os.environ.get("XINFANG_FIELD_OLD_KEYS", ""))


def encrypt(value: str) -> str:
    if not value:
        return ""
    primary, _ = keys()
    nonce = os.urandom(12)
    sealed = AESGCM(primary).encrypt(nonce, value.encode(), b"xinfang-field")
    payload = base64.urlsafe_b64encode(nonce + sealed).decode()
    return f"{PREFIX}:{_key_id(primary)}:{payload}"


def decrypt(token: str) -> str:
    if not token:
        return ""
    _, ring = keys()
    prefix, kid, payload = token.split(":", 2)
    if prefix != PREFIX or kid not in ring:
        raise ImproperlyConfigured("无法解密：找不到对应的字段密钥")
    raw = base64.urlsafe_b64decode(payload.encode())
    return AESGCM(ring[kid]).decrypt(raw[:12], raw[12:], b"xinfang-field").decode()


def needs_rotation(token: str) -> bool:
    if not token:
        return False
    primary, _ = keys()
    return token.split(":", 2)[1] != _key_id(primary)


def index_key() -> bytes:
    """The HMAC key of the blind indexes. Independent of field-key rotation when XINFANG_INDEX_KEY is
    set (rotate_field_key insists on it); otherwise derived one-way from the primary field key."""
    raw = str(getattr(settings, "XINFANG_INDEX_KEY", "") or os.environ.get("XINFANG_INDEX_KEY", ""))
    if raw:
        return _decode_key(raw)
    return hashlib.sha256(b"xinfang-blind-index:" + keys()[0]).digest()


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash for exact matching (find a person by ID number or phone without decrypting)."""
    if not value:
        return ""
    return hmac.new(index_key(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    if not value:
        return ""
    return value[0] + "*" * max(1, len(value) - 1)
