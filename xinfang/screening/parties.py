"""A party's name, ID and phone as the database keeps them: sealed, blind-indexed, masked.

The same core.crypto functions as petitions/persons.py (`seal_name` for the name, the "id" and "phone"
blind indexes), so a party and a petitioner with the same name or number match."""

from __future__ import annotations

from typing import Any

from xinfang.core import crypto
from xinfang.core.errors import ValidationFailed
from xinfang.core.validators import normalize_id_number, normalize_phone

from .models import DisputeParty


def clean_party(data: dict[str, Any], *, prefix: str = "") -> dict[str, str]:
    """Normalized name, ID and phone; every problem reported at once."""
    errors: dict[str, list[str]] = {}
    out = {
        "name": str(data.get("name") or "").strip()[:50],
        "organisation": str(data.get("organisation") or "").strip()[:100],
        "side": str(data.get("side") or DisputeParty.Side.CLAIMANT),
    }
    if out["side"] not in DisputeParty.Side.values:
        errors.setdefault(f"{prefix}side", []).append("当事人身份无效")
    for key, normalize in (("id_number", normalize_id_number), ("phone", normalize_phone)):
        try:
            out[key] = normalize(str(data.get(key) or ""), field=f"{prefix}{key}")
        except ValidationFailed as exc:
            errors.setdefault(exc.field or f"{prefix}{key}", []).append(exc.message)
    if not out["name"] and not out["organisation"]:
        errors.setdefault(f"{prefix}name", []).append("请填写当事人姓名或单位名称")
    if errors:
        raise ValidationFailed(errors)
    return out


def party_seal(party: DisputeParty, clean: dict[str, str]) -> None:
    party.side = clean["side"]
    party.organisation = clean.get("organisation", "")
    party.name_enc, party.name_hash, party.name_masked = crypto.seal_name(clean["name"])
    party.id_number_enc = crypto.encrypt(clean["id_number"])
    party.id_number_hash = crypto.blind_index(clean["id_number"], purpose="id")
    party.id_number_masked = crypto.mask_id_number(clean["id_number"])
    party.phone_enc = crypto.encrypt(clean["phone"])
    party.phone_hash = crypto.blind_index(clean["phone"], purpose="phone")
    party.phone_masked = crypto.mask_phone(clean["phone"])


def party_from_petitioner(party: DisputeParty, petition: Any) -> None:
    """Copy a petitioner's sealed numbers as they are (never decrypted on the way)."""
    party.side = DisputeParty.Side.CLAIMANT
    party.name_enc = petition.petitioner_name_enc
    party.name_hash = petition.petitioner_name_hash
    party.name_masked = petition.petitioner_name_masked
    for attr in ("id_number_enc", "id_number_hash", "id_number_masked", "phone_enc", "phone_hash", "phone_masked"):
        setattr(party, attr, getattr(petition, attr))


def party_unseal(party: DisputeParty) -> dict[str, str]:
    return {
        "name": crypto.decrypt(party.name_enc),
        "id_number": crypto.decrypt(party.id_number_enc),
        "phone": crypto.decrypt(party.phone_enc),
    }
