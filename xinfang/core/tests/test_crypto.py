"""core.crypto derives its keys once per configuration, yet follows every change of settings and environment."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from xinfang.core import crypto


def test_blind_index_is_hmac_sha256_of_the_index_key():
    key = crypto.index_key()
    expected = hmac.new(key, b"id:410102199001011234", hashlib.sha256).hexdigest()
    assert crypto.blind_index("410102199001011234", purpose="id") == expected
    assert crypto.blind_index("", purpose="id") == ""


def test_round_trip_and_key_id():
    token = crypto.encrypt("13800138000")
    assert token.startswith(f"{crypto.PREFIX}:") and crypto.decrypt(token) == "13800138000"
    assert crypto.encrypt("13800138000") != token  # a fresh nonce every time
    assert not crypto.needs_rotation(token)


def test_field_key_override_takes_effect_on_the_next_call():
    first, second = crypto.generate_key(), crypto.generate_key()
    with override_settings(XINFANG_FIELD_KEY=first, XINFANG_INDEX_KEY=""):
        token = crypto.encrypt("x")
        derived = crypto.index_key()
        assert derived == hashlib.sha256(b"xinfang-blind-index:" + crypto._decode_key(first)).digest()
        with override_settings(XINFANG_FIELD_KEY=second):
            assert crypto.needs_rotation(token)
            assert crypto.index_key() != derived
        assert crypto.decrypt(token) == "x" and crypto.index_key() == derived


def test_index_key_override_and_environment(monkeypatch):
    a, b = crypto.generate_key(), crypto.generate_key()
    with override_settings(XINFANG_INDEX_KEY=a):
        assert crypto.index_key() == crypto._decode_key(a)
        h = crypto.blind_index("v", purpose="p")
    with override_settings(XINFANG_INDEX_KEY=""):
        monkeypatch.setenv("XINFANG_INDEX_KEY", b)
        assert crypto.index_key() == crypto._decode_key(b)
        assert crypto.blind_index("v", purpose="p") != h


def test_old_keys_from_the_environment_decrypt(monkeypatch):
    old, new = crypto.generate_key(), crypto.generate_key()
    with override_settings(XINFANG_FIELD_KEY=old):
        token = crypto.encrypt("秘密")
    with override_settings(XINFANG_FIELD_KEY=new):
        monkeypatch.setenv("XINFANG_FIELD_OLD_KEYS", old)
        assert crypto.decrypt(token) == "秘密" and crypto.needs_rotation(token)
        monkeypatch.setenv("XINFANG_FIELD_OLD_KEYS", "")
        with pytest.raises(ImproperlyConfigured, match="找不到"):
            crypto.decrypt(token)


def test_pinned_keeps_the_keys_of_its_start():
    a, b = crypto.generate_key(), crypto.generate_key()
    with override_settings(XINFANG_FIELD_KEY=a, XINFANG_INDEX_KEY=""):
        outside = crypto.index_key()
        with crypto.pinned(), override_settings(XINFANG_FIELD_KEY=b):
            assert crypto.index_key() == outside
        with override_settings(XINFANG_FIELD_KEY=b):
            assert crypto.index_key() != outside
