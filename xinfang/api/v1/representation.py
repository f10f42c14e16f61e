"""The petition API's output, rendered by plain functions instead of DRF's generic field-by-field rendering.

Kept on purpose (docs/performance.md, "Kept: the petition output without DRF's field copies"): DRF
deep-copies every declared field of a serializer, nested ones included, for each instance it renders --
some 80 fields for a registration's answer, a large share of a registration's time. The serializers in
`serializers.py` declare the fields (the OpenAPI schema and the documentation come from them) and call
these functions from `to_representation`. `xinfang/api/tests/test_fast_representation.py` renders many
cases both ways and requires identical output: change a serializer's fields and this module together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from xinfang.petitions.access import can_see_identity, can_see_name
from xinfang.petitions.labels import choice_label
from xinfang.petitions.models import Channel, Petition, Purpose
from xinfang.petitions.workflow import Status

IDENTITY_HIDDEN = "（信访人要求身份保密）"

_DATETIME = serializers.DateTimeField()


def _dt(value: Any) -> Any:
    return None if value is None else _DATETIME.to_representation(value)


def _date(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"code": str(obj.code), "name": str(obj.name)}


def _str(value: Any) -> Any:
    return None if value is None else str(value)


def petitioner_output(petition: Petition, context: Mapping[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    if not can_see_identity(getattr(request, "user", None), petition):
        return {
            "name": IDENTITY_HIDDEN,
            "id_number_masked": "",
            "phone_masked": "",
            "address": "",
            "confidential": True,
            "identity_hidden": True,
        }
    # The full name and the address for the units that handle the case (access.can_see_name), as on the
    # pages; others who may see the case (by area) get the masked name and no address.
    full = can_see_name(getattr(request, "user", None), petition)
    return {
        "name": petition.petitioner_name if full else petition.petitioner_name_masked,
        "id_number_masked": petition.id_number_masked,
        "phone_masked": petition.phone_masked,
        "address": petition.petitioner_address if full else "",
        "confidential": petition.confidential,
        "identity_hidden": False,
    }


def petition_summary(p: Petition, context: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "number": p.number,
        "status": _str(p.status),
        "status_label": choice_label(Status, p.status),
        "channel": _str(p.channel),
        "channel_label": choice_label(Channel, p.channel),
        "received_at": _dt(p.received_at),
        "registered_at": _dt(p.registered_at),
        "title": p.title,
        "purpose": p.purpose,
        "headcount": p.headcount,
        "is_group": p.is_group,
        "is_repeat": p.is_repeat,
        "is_skip_level": p.is_skip_level,
        "skip_level_to": p.skip_level_to,
        "area": _ref(p.area),
        "category": _ref(p.category),
        "office_unit": _ref(p.office_unit),
        "current_unit": _ref(p.current_unit),
        "review_unit": _ref(p.review_unit),
        "dispatch_mode": p.dispatch_mode,
        "due_date": _date(p.due_date),
        "deadline_state": _str(p.deadline_state),
        "closed_at": _dt(p.closed_at),
        "updated_at": _dt(p.updated_at),
        "petitioner": petitioner_output(p, context),
    }


def _event(e: Any) -> dict[str, Any]:
    return {
        "at": _dt(e.at),
        "action": e.action,
        "action_label": e.get_action_label(),
        "actor_name": e.actor_name,
        "unit": _ref(e.unit),
        "from_status": e.from_status,
        "to_status": e.to_status,
        "note": e.note,
        "public": e.public,
    }


def _deadline(d: Any) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "party": _str(d.party),
        "start_date": _date(d.start_date),
        "due_date": _date(d.due_date),
        "days_left": d.days_left,
        "state": _str(d.state),
        "state_label": _str(d.state_label),
        "estimated": d.estimated,
        "basis": d.basis,
        "status": _str(d.status),
        "paused": d.paused,
        "extension_days": d.extension_days,
        "legal_basis": d.legal_basis,
    }


def petition_detail(p: Any, context: Mapping[str, Any]) -> dict[str, Any]:
    out = petition_summary(p, context)
    out.update(
        {
            "content": p.content,
            "purpose_label": choice_label(Purpose, p.purpose),
            "accused_person": p.accused_person,
            "not_accepted_reason": p.not_accepted_reason,
            "extension_days_requested": p.extension_days_requested,
            "reply": {
                "outcome": p.reply_outcome,
                "facts": p.reply_facts,
                "reasons": p.reply_reasons,
                "basis": p.reply_basis,
                "opinion": p.reply_opinion,
                "completion_report": p.completion_report,
                "replied_at": _dt(p.replied_at),
            },
            "rating": p.rating,
            "rating_comment": p.rating_comment,
            "review_level": p.review_level,
            "review_outcome": p.review_outcome,
            "review_text": p.review_text,
            "recheck_outcome": p.recheck_outcome,
            "recheck_text": p.recheck_text,
            "timeline": [_event(e) for e in p.api_timeline],
            "deadlines": [_deadline(d) for d in p.api_deadlines],
            "available_actions": [str(a) for a in p.api_actions],
        }
    )
    return out
