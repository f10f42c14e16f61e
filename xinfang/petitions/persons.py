"""A person's ID and phone numbers, name and address as the database keeps them: encrypted,
blind-indexed, masked. `person_seal` serves petitions and representatives; other apps keeping parties
(screening's dispute parties) call `name_seal` / `crypto.seal_name` for the same format."""

from __future__ import annotations

from typing import Any

from xinfang.core import crypto

from .models import Petition, Representative


def id_hash(value: str) -> str:
    return crypto.blind_index(value, purpose="id")


def phone_hash(value: str) -> str:
    return crypto.blind_index(value, purpose="phone")


def name_hash(value: str) -> str:
    """The keyed index an exact full-name search compares with."""
    return crypto.name_hash(value)


def name_seal(value: str) -> dict[str, str]:
    """A name as three columns `<prefix>_enc`, `_hash`, `_masked` take it: {"enc", "hash", "masked"}."""
    enc, digest, masked = crypto.seal_name(value)
    return {"enc": enc, "hash": digest, "masked": masked}


def person_seal(target: Petition | Representative, person: dict[str, Any]) -> None:
    """Set the sealed fields of a petition or a representative from a person's clear values: ID and phone
    always; name and address where the dict has them (also on instances made without __init__, as the
    bulk writer makes them, where the models' setters do not run)."""
    target.id_number_enc = crypto.encrypt(person["id_number"])
    target.id_number_hash = id_hash(person["id_number"])
    target.id_number_masked = crypto.mask_id_number(person["id_number"])
    target.phone_enc = crypto.encrypt(person["phone"])
    target.phone_hash = phone_hash(person["phone"])
    target.phone_masked = crypto.mask_phone(person["phone"])
    if "name" in person:
        enc, digest, masked = crypto.seal_name(str(person["name"] or ""))
        if isinstance(target, Petition):
            target.petitioner_name_enc, target.petitioner_name_hash, target.petitioner_name_masked = enc, digest, masked
        else:
            target.name_enc, target.name_hash, target.name_masked = enc, digest, masked
    if "address" in person and isinstance(target, Petition):
        target.petitioner_address_enc = crypto.seal_text(str(person["address"] or ""))
