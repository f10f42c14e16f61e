"""A person's ID and phone numbers as the database keeps them: encrypted, blind-indexed, masked."""

from __future__ import annotations

from xinfang.core import crypto

from .models import Petition, Representative


def id_hash(value: str) -> str:
    return crypto.blind_index(value, purpose="id")


def phone_hash(value: str) -> str:
    return crypto.blind_index(value, purpose="phone")


def person_seal(target: Petition | Representative, person: dict[str, str]) -> None:
    """Set the sealed ID and phone fields of a petition or a representative from clear numbers."""
    target.id_number_enc = crypto.encrypt(person["id_number"])
    target.id_number_hash = id_hash(person["id_number"])
    target.id_number_masked = crypto.mask_id_number(person["id_number"])
    target.phone_enc = crypto.encrypt(person["phone"])
    target.phone_hash = phone_hash(person["phone"])
    target.phone_masked = crypto.mask_phone(person["phone"])
