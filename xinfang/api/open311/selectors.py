"""What Open311 publishes, and how a case becomes a GeoReport `request`.

The GET methods need no key (spec §3–§8), so they are public: no caller, hence no
petitions_visible_to(). Instead this module publishes a deliberately small, non-personal view:

- only registered cases with a category; never 检举控告 (accusations, Art 30 《信访工作条例》:
  the informant's protection) and never a petitioner who asked for confidentiality;
- no name, phone, ID number or address of any petitioner or representative; `description` is the
  case title with any of those (and anything shaped like an ID or phone number) blanked out, or only
  the category when the title was cut from the letter itself; the letter (`content`) is never published;
- `address` is the 问题属地 administrative area (e.g. 扶沟县), never a street address;
- `notes` are built from action labels and unit names, never from staff notes or opinion texts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet

from xinfang.core.timeutil import SHANGHAI
from xinfang.deadlines.models import Party
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.models import Channel, Event, Outcome, Petition, Purpose, Rating, Representative
from xinfang.petitions.services import LEGAL_ROUTES
from xinfang.petitions.workflow import Action, Status

REDACTED = "***"
ID_LIKE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])|(?<![0-9])[0-9]{15}(?![0-9])")
PHONE_LIKE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])|(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])")

NOTE_TYPES = {
    Action.SUBMIT: "submitted",
    Action.REGISTER: "submitted",
    Action.HANDLE_DIRECTLY: "opened",
    Action.ACCEPT: "opened",
    Action.DISPATCH: "activity",
    Action.OBJECT: "activity",
    Action.APPROVE_EXTENSION: "activity",
    Action.APPROVE_REPLY: "activity",
    Action.REQUEST_REVIEW: "activity",
    Action.DECIDE_REVIEW: "activity",
    Action.REQUEST_RECHECK: "activity",
    Action.REJECT: "closed",
    Action.RATE: "closed",
    Action.CLOSE: "closed",
    Action.DECIDE_RECHECK: "closed",
}

SERVICE_NOTICES = {
    Status.REGISTERED: "已登记，将在15日内转送、交办或直接办理（《信访工作条例》第二十二条）",
    Status.DISPATCHED: "已转送/交办至承办单位，待其受理",
    Status.ACCEPTED: "已受理，自受理之日起60日内办结（《信访工作条例》第三十四条）",
    Status.EXTENSION_PENDING: "办理中（延期申请审批中）",
    Status.REPLY_PENDING: "办理中（处理意见书审批中）",
    Status.REPLIED: "已书面答复；不服的可在30日内请求复查（《信访工作条例》第三十五条）",
    Status.REVISIT: "信访人评价不满意，信访部门回访研判中（重新办理或办结并告知复查权利）",
    Status.REVIEWING: "复查中，30日内答复",
    Status.REVIEWED: "已复查答复；不服的可在30日内请求复核（《信访工作条例》第三十六条）",
    Status.RECHECKING: "复核中，30日内答复",
    Status.CLOSED: "已办结",
    Status.NOT_ACCEPTED: "不予受理，已告知信访人依法解决的途径",
    Status.FINAL: "复核终结，同一事实和理由不再受理",
}


def open311_public_petitions() -> QuerySet[Petition]:
    return (
        Petition.objects.exclude(status=Status.SUBMITTED)
        .filter(category__isnull=False, confidential=False, accused_unit__isnull=True, accused_person="")
        .exclude(purpose=Purpose.ACCUSATION)
        .select_related("category", "category__parent", "area", "current_unit", "office_unit", "repeat_of")
    )


def w3c(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(SHANGHAI).replace(microsecond=0).isoformat()


def end_of_day(day: dt.date | None) -> str | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI).isoformat()


def _personal_strings(petition: Petition, reps: list[Representative]) -> list[str]:
    values = [petition.petitioner_name, petition.petitioner_address] + [r.name for r in reps]
    return sorted({v.strip() for v in values if v and len(v.strip()) >= 2}, key=len, reverse=True)


def redact(text: str, petition: Petition, reps: list[Representative]) -> str:
    for value in _personal_strings(petition, reps):
        text = text.replace(value, REDACTED)
    text = ID_LIKE.sub(REDACTED, text)
    return PHONE_LIKE.sub(REDACTED, text)


def public_description(petition: Petition, reps: list[Representative]) -> str:
    """The title a clerk or client wrote, redacted. A title the service derived from the first words of
    the letter is free text of the petitioner (it may hold a home address): publish the category only."""
    title = (petition.title or "").strip()
    derived = not title or petition.content.replace("\n", " ").startswith(title)
    category = petition.category.name if petition.category else "信访"
    text = f"{category}类信访事项" if derived else title
    return redact(text, petition, reps)[:4000]


def status_notes(petition: Petition) -> str:
    label = str(Status(petition.status).label)
    if petition.status == Status.DISPATCHED and petition.current_unit:
        return f"{label}：已转至{petition.current_unit.name}"
    if petition.status in (Status.REPLIED, Status.CLOSED) and petition.reply_outcome:
        notes = f"{label}：处理意见为“{Outcome(petition.reply_outcome).label}”"
        if petition.rating:
            notes += f"，信访人评价“{Rating(petition.rating).label}”"
        return notes
    if petition.status == Status.NOT_ACCEPTED:
        kind = petition.not_accepted_reason.split("：", 1)[0]  # 不予受理 / 不再受理; the reason itself stays inside
        notes = label if kind in ("", label) else f"{label}（{kind}）"
        route = LEGAL_ROUTES.get(petition.legal_route)
        return f"{notes}；告知途径：{route}" if route else notes
    return label


def _note(event: Event) -> dict[str, Any]:
    action = Action(event.action)
    description = str(action.label)
    data = event.data or {}
    if action == Action.DISPATCH and data.get("unit_name"):
        description += f"：{data['unit_name']}"
    if action == Action.RATE and data.get("rating") in Rating.values:
        description += f"：{Rating(data['rating']).label}"
    if event.unit_id and event.unit:
        description += f"（{event.unit.name}）"
    return {
        "datetime": w3c(event.at),
        "description": description,
        "type": NOTE_TYPES[action],
        "summary": action.label,
    }


def request_documents(petitions: list[Petition], *, extensions: bool = False) -> list[dict[str, Any]]:
    """GeoReport `request` documents for these cases, in order; a few bulk queries, not one per case."""
    ids = [p.pk for p in petitions]
    reps: dict[int, list[Representative]] = defaultdict(list)
    for rep in Representative.objects.filter(petition_id__in=ids):
        reps[rep.petition_id].append(rep)
    events: dict[int, list[Event]] = defaultdict(list)
    deadlines: dict[int, list[Deadline]] = defaultdict(list)
    if extensions:
        for event in (
            Event.objects.filter(petition_id__in=ids, action__in=[a.value for a in NOTE_TYPES])
            .select_related("unit")
            .order_by("at", "id")
        ):
            events[event.petition_id].append(event)
        for deadline in (
            Deadline.objects.filter(petition_id__in=ids, party=Party.ORGAN)
            .filter(Q(status=Deadline.Status.OPEN) | Q(extension_days__gt=0))
            .order_by("due_date", "id")
        ):
            deadlines[deadline.petition_id].append(deadline)
    out = []
    for p in petitions:
        category = p.category
        doc: dict[str, Any] = {
            "service_request_id": p.number,
            "status": "open" if p.is_open else "closed",
            "status_notes": status_notes(p),
            "service_name": category.name if category else None,
            "service_code": category.code if category else None,
            "description": public_description(p, reps[p.pk]),
            "agency_responsible": (p.current_unit or p.office_unit).name,
            "service_notice": SERVICE_NOTICES.get(Status(p.status)),
            "requested_datetime": w3c(p.received_at),
            "updated_datetime": w3c(p.updated_at),
            "expected_datetime": end_of_day(p.due_date) if p.is_open else None,
            "address": p.area.name,
            "address_id": p.area.code,
            "zipcode": None,
            "lat": None,
            "long": None,
            "media_url": None,
        }
        if extensions:
            open_rows = [d for d in deadlines[p.pk] if d.status == Deadline.Status.OPEN]
            extended = [d for d in deadlines[p.pk] if d.extension_days > 0]
            doc["extended_attributes"] = {
                "channel": p.channel,
                "channel_name": Channel(p.channel).label,
                "xinfang_status": p.status,
                "xinfang_status_name": Status(p.status).label,
                "handling_unit": p.current_unit.name if p.current_unit else None,
                "registering_unit": p.office_unit.name,
                "due_date_basis": open_rows[0].basis if open_rows else None,
                "extended_until": end_of_day(extended[-1].due_date) if extended else None,
                "satisfaction": Rating(p.rating).label if p.rating else None,
                "parent_service_request_id": p.repeat_of.number if p.repeat_of else None,
            }
            doc["notes"] = [_note(e) for e in events[p.pk]]
        out.append(doc)
    return out


# mySociety's extended statuses (open311.md §11.6 c) for each published event.
UPDATE_STATUS = {
    Action.SUBMIT: "open",
    Action.REGISTER: "open",
    Action.DISPATCH: "internal_referral",
    Action.OBJECT: "for_triage",
    Action.HANDLE_DIRECTLY: "in_progress",
    Action.ACCEPT: "in_progress",
    Action.APPROVE_EXTENSION: "in_progress",
    Action.REJECT: "not_councils_responsibility",
    Action.REQUEST_REVIEW: "reopen",
    Action.DECIDE_REVIEW: "action_scheduled",
    Action.REQUEST_RECHECK: "reopen",
    Action.RATE: "closed",
    Action.CLOSE: "closed",
    Action.DECIDE_RECHECK: "closed",
}


def update_documents(events: list[Event]) -> list[dict[str, Any]]:
    """GET servicerequestupdates: one `request_update` per published event (built like `notes`)."""
    out = []
    for event in events:
        action = Action(event.action)
        status = UPDATE_STATUS.get(action)
        if action == Action.APPROVE_REPLY:
            status = "fixed" if (event.data or {}).get("outcome") == Outcome.SUPPORT else "no_further_action"
        note = _note(event)
        out.append(
            {
                "update_id": str(event.pk),
                "service_request_id": event.petition.number,
                "status": status or "in_progress",
                "updated_datetime": note["datetime"],
                "description": note["description"],
                "media_url": None,
                "external_status_code": event.to_status or event.petition.status,
            }
        )
    return out
