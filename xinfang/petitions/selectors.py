"""Reads: inboxes, lists, search, and the same person's earlier petitions. Always scoped to the actor."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Q, QuerySet

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Role
from xinfang.core.errors import ValidationFailed
from xinfang.core.validators import is_ascii_digits, normalize_id_number, normalize_phone
from xinfang.petitions.access import accusation_rule_q, petition_scope_q, petitions_visible_to

from .models import DeadlineState, Event, Petition
from .persons import id_hash, name_hash, phone_hash
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
    # 不满意 answers the office that dispatched the case decides on (回访/重办).
    Inbox("to_revisit", "不满意待研判", (Status.REVISIT,), "office", frozenset({Role.DISPATCHER})),
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


# The inboxes a role works from, in the order a person of that role turns to them: the workbench
# opens on the first of them that holds a case (the first of them when none does). A user with
# several roles gets the lists of the roles in ROLE_PRECEDENCE order: a 单位负责人's 待审批 comes
# before the 待受理 they share with the unit's 承办人.
LANDING: dict[str, tuple[str, ...]] = {
    Role.HEAD: ("to_approve", "reviewing", "to_accept", "in_progress"),
    Role.DISPATCHER: ("to_dispatch", "to_revisit", "to_register", "to_rate"),
    Role.CLERK: ("to_register", "to_rate"),
    Role.HANDLER: ("to_accept", "in_progress", "reviewing"),
    Role.LEADER: ("led", "overdue"),
    Role.SUPERVISOR: ("overdue", "due_soon"),
    Role.ADMIN: ("overdue", "due_soon"),
}
ROLE_PRECEDENCE = (Role.HEAD, Role.DISPATCHER, Role.CLERK, Role.HANDLER, Role.LEADER, Role.SUPERVISOR, Role.ADMIN)


def _roles(user: Any) -> set[str]:
    """The user's roles; a superuser also has the 系统管理员's (sees every case, like Role.ADMIN)."""
    ctx = actor_context(user)
    return ctx.all_roles | ({Role.ADMIN.value} if ctx.is_superuser else set())


def inboxes_for(user: Any) -> list[Inbox]:
    """The inboxes the user has work in: a unit-tied inbox needs a post of one of its roles (a
    superuser without a post has no unit whose 待分办 it could hold, only the 期限 inboxes)."""
    ctx = actor_context(user)
    roles = _roles(user)
    held = {role for unit_roles in ctx.roles_by_unit.values() for role in unit_roles}
    return [i for i in INBOXES if i.roles & (roles if i.relation == "any" else held)]


def landing_inbox(user: Any, counts: dict[str, int]) -> str:
    """The inbox the workbench opens on (see LANDING); "" when the user has none."""
    boxes = {b.key for b in inboxes_for(user)}
    if not boxes:
        return ""
    roles = _roles(user)
    order: list[str] = []
    for role in ROLE_PRECEDENCE:
        if role in roles:
            order.extend(key for key in LANDING[role] if key in boxes and key not in order)
    order.extend(b.key for b in inboxes_for(user) if b.key not in order)
    return next((key for key in order if counts.get(key)), order[0])


def _inbox_q(user: Any, inbox: Inbox) -> Q:
    """The inbox's cases among those the user may see, as one condition.

    An inbox tied to the user's units (office, current, review, office_or_current) or to the user
    (leader) already lies inside the visibility scope: a case whose office_unit / current_unit is one
    of the user's units has that unit's path as office_path / current_path, a 复查 unit is in the
    user's unit subtree, a 包案 case names the leader. So only the accusation rule is added, not the
    scope's OR of paths, which keeps the database from counting with the inbox's own indexes (a busy
    county's workbench at 1,000,000 cases). "any" inboxes (即将到期, 已超期) take the whole scope.
    The tests compare every inbox of every persona with the scoped query."""
    ctx = actor_context(user)
    cond = Q()
    if inbox.statuses:
        cond &= Q(status__in=inbox.statuses)
    if inbox.deadline_state:
        cond &= Q(deadline_state=inbox.deadline_state)
    unit_ids = [uid for uid, roles in ctx.roles_by_unit.items() if roles & inbox.roles]
    if inbox.relation == "any":
        scope = petition_scope_q(user)  # (pet_due_office / pet_due_current serve its branches)
        return cond & scope if scope is not None else Q(pk__in=[])
    cond &= {
        "office": Q(office_unit_id__in=unit_ids),
        "current": Q(current_unit_id__in=unit_ids),
        "review": Q(review_unit_id__in=unit_ids),
        "office_or_current": Q(office_unit_id__in=unit_ids) | Q(current_unit_id__in=unit_ids),
        "leader": Q(leader_id=ctx.user_id),
    }[inbox.relation]
    return cond & accusation_rule_q(user)


def inbox_queryset(user: Any, inbox: Inbox) -> QuerySet[Petition]:
    if actor_context(user).user_id is None:
        return Petition.objects.none()
    return Petition.objects.filter(_inbox_q(user, inbox))


def inbox_counts_capped(user: Any, cap: int) -> dict[str, int]:
    """Each inbox's count up to `cap` + 1 (more than `cap` reads "cap+" on a badge), in one query of one
    scalar subquery per inbox, each stopping at its cap + 1st case: a busy county's inboxes hold tens of
    thousands of open cases (37,000 at 1,000,000), and an exact count reads every one of them."""
    boxes = inboxes_for(user)
    if not boxes:
        return {}
    parts: list[str] = []
    params: list[Any] = []
    for inbox in boxes:
        sub_qs = (
            Petition.objects.filter(_inbox_q(user, inbox)).exclude(status__in=Status.terminal()).values("pk").order_by()
        )
        try:
            sql, sub_params = sub_qs[: cap + 1].query.sql_with_params()
        except EmptyResultSet:  # a condition that can hold no case (an empty IN list): count nothing
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS box_{len(parts)})")  # noqa: S608 - compiled by the ORM
        params.extend(sub_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {inbox.key: int(n) for inbox, n in zip(boxes, row, strict=True)}


def inbox_counts(user: Any) -> dict[str, int]:
    """One aggregate query for all inboxes of the user (exact counts; the workbench shows capped ones).

    The scan is limited to rows that are in at least one of the inboxes — the OR of the inboxes' own
    conditions, each led by an indexed column (`status` with the unit, `deadline_state`,
    `leader_id`) — instead of every open case the user may see: the 即将到期/已超期 boxes have no
    state of their own, and "not closed" (`status NOT IN …`) cannot use an index."""
    boxes = inboxes_for(user)
    if not boxes:
        return {}
    conds = {inbox.key: _inbox_q(user, inbox) for inbox in boxes}  # each within the user's scope
    in_some_box = Q(pk__in=[])
    for cond in conds.values():
        in_some_box |= cond
    # Every inbox holds open cases only: leave closed ones out (the bulk of the table).
    base = Petition.objects.filter(in_some_box).exclude(status__in=Status.terminal())
    return base.aggregate(**{key: Count("id", filter=cond) for key, cond in conds.items()})


# ?sort= keys of the list page: only orders an index serves (pet_received, pet_number_unique,
# pet_status_received), so a sorted page of a city's cases reads 25 rows, not the whole scope.
DEFAULT_ORDER = ("-received_at", "-id")
SORTS: dict[str, tuple[str, ...]] = {
    "received": ("received_at", "id"),
    "-received": DEFAULT_ORDER,
    "number": ("number",),
    "-number": ("-number",),
    "status": ("status", "-received_at"),
    "-status": ("-status", "-received_at"),
}


PHONE_LIKE = re.compile(r"^(\+?86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")
NUMBER_LIKE = re.compile(r"^\d{6}-\d{4}-\d{1,6}$")


def petition_search_q(q: str) -> Q:
    q = q.strip()
    if not q:
        return Q()
    if NUMBER_LIKE.match(q):
        return Q(number=q)
    compact = q.replace(" ", "")
    if len(compact) in (15, 18) and is_ascii_digits(compact[:15]):
        digest = _hash_or_empty(normalize_id_number, id_hash, compact)
        if digest:
            return Q(id_number_hash=digest)
    if PHONE_LIKE.match(compact):
        return Q(phone_hash=phone_hash(normalize_phone(compact)))
    # A name: exact full name through its keyed index (names are sealed; no substring match).
    return (
        Q(number__icontains=q) | Q(petitioner_name_hash=name_hash(q)) | Q(title__icontains=q) | Q(content__icontains=q)
    )


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
    is_group: str = "",
    is_repeat: str = "",
    is_skip_level: str = "",
    sort: str = "",
    date_from: Any = None,
    date_to: Any = None,
) -> QuerySet[Petition]:
    """The cases of a list page. Flags: "1" only those with it, "0" only those without, else all.
    `sort`: a key of SORTS (an unknown one keeps the default, newest first)."""
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
    if category and is_ascii_digits(category):
        qs = qs.filter(Q(category_id=int(category)) | Q(category__parent_id=int(category)))
    if area_path:
        qs = qs.filter(area_path__startswith=area_path)
    if unit and is_ascii_digits(unit):
        qs = qs.filter(current_unit_id=int(unit))
    if deadline_state:
        qs = qs.filter(deadline_state=deadline_state)
    for flag, value in (("is_group", is_group), ("is_repeat", is_repeat), ("is_skip_level", is_skip_level)):
        if value in ("0", "1"):
            qs = qs.filter(**{flag: value == "1"})
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    return qs.select_related(*LIST_RELATED).order_by(*SORTS.get(sort, DEFAULT_ORDER))


def petitions_same_person(
    *, user: Any, id_number: str = "", phone: str = "", exclude_id: int | None = None
) -> QuerySet[Petition]:
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


def petitions_same_person_by_hash(
    *, user: Any, id_hash: str, phone_hash: str, exclude_id: int | None = None
) -> QuerySet[Petition]:
    cond = Q(pk__in=[])
    if id_hash:
        cond |= Q(id_number_hash=id_hash)
    if phone_hash:
        cond |= Q(phone_hash=phone_hash)
    return _same_person(user, cond, exclude_id)


def _same_person(user: Any, cond: Q, exclude_id: int | None) -> QuerySet[Petition]:
    qs = petitions_visible_to(user).filter(cond)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.select_related(*LIST_RELATED).order_by("-received_at")[:20]


def petition_detail_events(petition: Petition) -> QuerySet[Event]:
    return petition.events.select_related("actor", "unit").order_by("at", "id")
