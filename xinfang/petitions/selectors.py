"""Reads: inboxes, lists, search, and the same person's earlier petitions. Always scoped to the actor."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from xinfang.accounts.access import actor_context, petitions_visible_to
from xinfang.accounts.models import Role
from xinfang.core.errors import ValidationFailed
from xinfang.core.validators import normalize_id_number, normalize_phone

from .models import DeadlineState, Petition
from .services import id_hash, phone_hash
from .workflow import Status

LIST_RELATED = ("area", "category", "current_unit", "office_unit")


@dataclass(frozen=True)
class Inbox:
    key: str
    label: str
    statuses: tuple[str, ...]
    relation: str  # office | current | review | any
    roles: frozenset[str]
    deadline_state: str = ""


INBOXES: list[Inbox] = [
    Inbox("to_register", "待登记", (Status.SUBMITTED,), "office", frozenset({Role.CLERK, Role.DISPATCHER})),
    Inbox("to_dispatch", "待分办", (Status.REGISTERED,), "office", frozenset({Role.DISPATCHER})),
    Inbox("to_accept", "待受理", (Status.DISPATCHED,), "current", frozenset({Role.HANDLER, Role.HEAD})),
    Inbox(
        "in_progress",
        "办理中",
        (Status.ACCEPTED, Status.EXTENSION_PENDING, Status.REPLY_PENDING),
        "current",
        frozenset({Role.HANDLER, Role.HEAD}),
    ),
    Inbox(
        "reviewing", "复查复核", (Status.REVIEWING, Status.RECHECKING), "review", frozenset({Role.HANDLER, Role.HEAD})
    ),
    Inbox("to_approve", "待审批", (Status.EXTENSION_PENDING, Status.REPLY_PENDING), "current", frozenset({Role.HEAD})),
    Inbox("led", "我包案的", (), "leader", frozenset({Role.LEADER})),
    Inbox("due_soon", "即将到期", (), "any", frozenset(Role.values), DeadlineState.SOON),
    Inbox("overdue", "已超期", (), "any", frozenset(Role.values), DeadlineState.OVERDUE),
    Inbox(
        "to_rate",
        "待评价",
        (Status.REPLIED,),
        "office_or_current",
        frozenset({Role.CLERK, Role.DISPATCHER, Role.HANDLER, Role.HEAD}),
    ),
]
INBOX_BY_KEY = {i.key: i for i in INBOXES}


def inboxes_for(user: Any) -> list[Inbox]:
    roles = actor_context(user).all_roles
    if actor_context(user).is_superuser:
        roles = set(Role.values)
    return [i for i in INBOXES if i.roles & roles]


def inbox_queryset(user: Any, inbox: Inbox) -> QuerySet[Petition]:
    ctx = actor_context(user)
    qs = petitions_visible_to(user)
    if inbox.statuses:
        qs = qs.filter(status__in=inbox.statuses)
    if inbox.deadline_state:
        qs = qs.filter(deadline_state=inbox.deadline_state)
    unit_ids = [uid for uid, roles in ctx.roles_by_unit.items() if roles & inbox.roles]
    if inbox.relation == "office":
        qs = qs.filter(office_unit_id__in=unit_ids)
    elif inbox.relation == "current":
        qs = qs.filter(current_unit_id__in=unit_ids)
    elif inbox.relation == "review":
        qs = qs.filter(review_unit_id__in=unit_ids)
    elif inbox.relation == "office_or_current":
        qs = qs.filter(Q(office_unit_id__in=unit_ids) | Q(current_unit_id__in=unit_ids))
    elif inbox.relation == "leader":
        qs = qs.filter(leader_id=ctx.user_id)
    return qs


def inbox_counts(user: Any) -> dict[str, int]:
    """One aggregate query for all inboxes of the user.

    The scan is limited to rows that are in at least one of the inboxes — the OR of the inboxes' own
    conditions, each led by an indexed column (`status` with the unit, `deadline_state`,
    `leader_id`) — instead of every open case the user may see: the 即将到期/已超期 boxes have no
    state of their own, and "not closed" (`status NOT IN …`) cannot use an index."""
    boxes = inboxes_for(user)
    if not boxes:
        return {}
    ctx = actor_context(user)
    conds: dict[str, Q] = {}
    for inbox in boxes:
        cond = Q()
        if inbox.statuses:
            cond &= Q(status__in=inbox.statuses)
        if inbox.deadline_state:
            cond &= Q(deadline_state=inbox.deadline_state)
        unit_ids = [uid for uid, roles in ctx.roles_by_unit.items() if roles & inbox.roles]
        cond &= {
            "office": Q(office_unit_id__in=unit_ids),
            "current": Q(current_unit_id__in=unit_ids),
            "review": Q(review_unit_id__in=unit_ids),
            "office_or_current": Q(office_unit_id__in=unit_ids) | Q(current_unit_id__in=unit_ids),
            "leader": Q(leader_id=ctx.user_id),
            "any": Q(),
        }[inbox.relation]
        conds[inbox.key] = cond
    in_some_box = Q(pk__in=[])
    for cond in conds.values():
        in_some_box |= cond
    # Every inbox holds open cases only: leave closed ones out (the bulk of the table).
    base = petitions_visible_to(user).filter(in_some_box).exclude(status__in=Status.terminal())
    return base.aggregate(**{key: Count("id", filter=cond) for key, cond in conds.items()})


PHONE_LIKE = re.compile(r"^(\+?86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")
NUMBER_LIKE = re.compile(r"^\d{6}-\d{4}-\d{1,6}$")


def petition_search_q(q: str) -> Q:
    q = q.strip()
    if not q:
        return Q()
    if NUMBER_LIKE.match(q):
        return Q(number=q)
    compact = q.replace(" ", "")
    if len(compact) in (15, 18) and compact[:15].isdigit():
        digest = _hash_or_empty(normalize_id_number, id_hash, compact)
        if digest:
            return Q(id_number_hash=digest)
    if PHONE_LIKE.match(compact):
        return Q(phone_hash=phone_hash(normalize_phone(compact)))
    return Q(number__icontains=q) | Q(petitioner_name=q) | Q(title__icontains=q) | Q(content__icontains=q)


def petition_list(
    *,
    user: Any,
    inbox: str = "",
    q: str = "",
    status: str = "",
    channel: str = "",
    category: str = "",
    area: str = "",
    unit: str = "",
    deadline_state: str = "",
    date_from: Any = None,
    date_to: Any = None,
) -> QuerySet[Petition]:
    area_path = ""
    if area:
        from xinfang.accounts.reference import area_by_code

        a = area_by_code(area)
        if a is None:
            return Petition.objects.none()
        area_path = a.path
    if inbox in INBOX_BY_KEY:
        qs = inbox_queryset(user, INBOX_BY_KEY[inbox])
    else:
        qs = petitions_visible_to(user, within_area=area_path)
    if q:
        qs = qs.filter(petition_search_q(q))
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if category and category.isdigit():
        qs = qs.filter(Q(category_id=int(category)) | Q(category__parent_id=int(category)))
    if area_path:
        qs = qs.filter(area_path__startswith=area_path)
    if unit and unit.isdigit():
        qs = qs.filter(current_unit_id=int(unit))
    if deadline_state:
        qs = qs.filter(deadline_state=deadline_state)
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    return qs.select_related(*LIST_RELATED).order_by("-received_at", "-id")


def petitions_same_person(*, user: Any, id_number: str = "", phone: str = "", exclude_id: int | None = None):
    """Earlier petitions of the same person (by keyed hash), for marking 重复 / 越级 at registration."""
    return petitions_same_person_by_hash(
        user=user,
        id_hash=_hash_or_empty(normalize_id_number, id_hash, id_number),
        phone_hash=_hash_or_empty(normalize_phone, phone_hash, phone),
        exclude_id=exclude_id,
    )


def _hash_or_empty(normalize: Any, digest: Any, value: str) -> str:
    """A malformed number simply matches nothing."""
    try:
        clean = normalize(value)
    except ValidationFailed:
        return ""
    return digest(clean) if clean else ""


def petitions_same_person_by_hash(*, user: Any, id_hash: str, phone_hash: str, exclude_id: int | None = None):
    cond = Q(pk__in=[])
    if id_hash:
        cond |= Q(id_number_hash=id_hash)
    if phone_hash:
        cond |= Q(phone_hash=phone_hash)
    return _same_person(user, cond, exclude_id)


def _same_person(user: Any, cond: Q, exclude_id: int | None):
    qs = petitions_visible_to(user).filter(cond)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.select_related(*LIST_RELATED).order_by("-received_at")[:20]


def petition_detail_events(petition: Petition):
    return petition.events.select_related("actor", "unit").order_by("at", "id")
