"""The one place that decides who may see and do what with a case.

Every page, API endpoint, export and count loads cases through `petitions_visible_to()` or
`access_petition()`; "missing" and "not yours" are the same 404 (Zulip's access_* pattern). Who the
user is (posts, units, roles) comes from `xinfang.accounts.access.actor_context`.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import ForeignKey, Q, QuerySet
from django.http import Http404

from xinfang.accounts.access import ActorContext, actor_context
from xinfang.accounts.models import Role, Unit
from xinfang.accounts.reference import area_copy
from xinfang.core.errors import NotPermitted
from xinfang.core.validators import is_ascii_digits

from .models import Petition
from .reference import category_copy
from .workflow import ACTIONS, Action


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _area_scope_paths(ctx: ActorContext) -> list[str]:
    """Area paths whose whole subtree the user sees (属地管理: 信访部门, leaders, supervisors)."""
    return [
        unit.area.path
        for unit in ctx.units.values()
        if unit.kind == Unit.Kind.XINFANG or ctx.roles_in(unit.pk) & {Role.LEADER, Role.SUPERVISOR}
    ]


def petition_scope_q(user: Any, *, within_area: str = "") -> Q | None:
    """A Q that selects the cases this user may see; None means nothing at all.

    `within_area`: the caller also filters on `area_path__startswith=within_area`. When the user sees
    that whole area anyway, the scope's OR is implied by the filter and left out (only the accusation
    rule stays): the same rows, and a condition the database can estimate and serve from one index."""
    ctx = actor_context(user)
    if ctx.user_id is None:
        return None
    sees_all = ctx.is_superuser or Role.ADMIN in ctx.all_roles
    if sees_all or (within_area and any(within_area.startswith(path) for path in _area_scope_paths(ctx))):
        scope = Q()
    else:
        scope = Q(pk__in=[])
        for unit in ctx.units.values():
            # Cases dispatched to or registered at this unit or a unit under it.
            scope |= Q(current_path__startswith=unit.path) | Q(office_path__startswith=unit.path)
        for path in _area_scope_paths(ctx):  # 信访部门, leaders and supervisors: their whole area
            scope |= Q(area_path__startswith=path)
        # Cases under 复查/复核 by one of these units or a unit under them. By id, not through a join
        # on the unit's path: a join in this OR keeps the database from combining the indexes of the
        # other conditions (a county's workbench counts: 250 ms → 35 ms at 250,000 cases).
        if ctx.units:
            scope |= Q(review_unit_id__in=ctx.subtree_unit_ids())
        scope |= Q(leader_id=ctx.user_id)  # cases a leader took on (包案)
    return scope & accusation_rule_q(user)


def accusation_rule_q(user: Any) -> Q:
    """Art 30(3): accusation material never reaches the accused unit or any unit under it. Part of
    every scope; alone where the caller's own condition already implies the rest of the scope."""
    ctx = actor_context(user)
    accused = set()
    for unit in ctx.units.values():
        accused.update(_ancestor_paths(unit.path))
    if accused and not ctx.is_superuser:
        return ~Q(accused_path__in=sorted(accused))
    return Q()


def petitions_visible_to(
    user: Any, queryset: QuerySet[Petition] | None = None, *, within_area: str = ""
) -> QuerySet[Petition]:
    """`within_area`: an area path the caller filters on as well (see petition_scope_q)."""
    qs = queryset if queryset is not None else Petition.objects.all()
    scope = petition_scope_q(user, within_area=within_area)
    if scope is None:
        return qs.none()
    return qs.filter(scope)


def can_see(user: Any, petition: Petition) -> bool:
    """petition_scope_q for one loaded case, in Python (the tests compare the two on every case for
    every persona). Loading a case by its key and then asking this is cheaper than asking the database
    with the scope in the query: PostgreSQL spends milliseconds planning the scope's OR over the case
    table's indexes for a row it then finds by primary key in microseconds."""
    ctx = actor_context(user)
    if ctx.user_id is None:
        return False
    if not ctx.is_superuser:  # accusation_rule_q
        accused = {path for unit in ctx.units.values() for path in _ancestor_paths(unit.path)}
        if petition.accused_path in accused:
            return False
    if ctx.is_superuser or Role.ADMIN in ctx.all_roles:
        return True
    for unit in ctx.units.values():
        if petition.current_path.startswith(unit.path) or petition.office_path.startswith(unit.path):
            return True
    if any(petition.area_path.startswith(path) for path in _area_scope_paths(ctx)):
        return True
    if petition.leader_id is not None and petition.leader_id == ctx.user_id:
        return True
    return bool(ctx.units) and petition.review_unit_id in set(ctx.subtree_unit_ids())


def access_petition(user: Any, petition_id: int | str, *, for_write: bool = False) -> Petition:
    """Load one case for a user. Absent and forbidden give the same 404."""
    qs = Petition.objects.all()
    try:
        petition = qs.get(pk=int(petition_id)) if is_ascii_digits(str(petition_id)) else qs.get(number=str(petition_id))
    except Petition.DoesNotExist:
        raise Http404("信访事项不存在或无权查看") from None
    if not can_see(user, petition):
        raise Http404("信访事项不存在或无权查看")
    attach_related(petition)
    return petition


UNIT_RELATIONS = ("office_unit", "current_unit", "review_unit", "accused_unit")


def attach_related(petition: Petition) -> None:
    """The case's units (one query by id), area and category (copies from the workers' reference
    cache): what select_related of the six gives, without a seven-table join that PostgreSQL takes
    longer to plan (3–4 ms with the case table's indexes) than to run."""
    fields = [cast("ForeignKey[Any, Any]", Petition._meta.get_field(name)) for name in UNIT_RELATIONS]
    ids = {getattr(petition, f.attname) for f in fields} - {None}
    units = Unit.objects.in_bulk(ids) if ids else {}
    for rel in fields:
        unit_id = getattr(petition, rel.attname)
        rel.set_cached_value(petition, units.get(unit_id) if unit_id is not None else None)
    Petition._meta.get_field("area").set_cached_value(petition, area_copy(petition.area_id))
    if petition.category_id is not None:
        Petition._meta.get_field("category").set_cached_value(petition, category_copy(petition.category_id))


def unit_relation_ok(ctx: ActorContext, petition: Petition, relation: str, roles: frozenset[str]) -> bool:
    def has(unit_id: int | None) -> bool:
        return bool(ctx.roles_in(unit_id) & roles)

    if relation == "any":
        return ctx.has_role(*roles)
    if relation == "office":
        return has(petition.office_unit_id)
    if relation == "current":
        return has(petition.current_unit_id)
    if relation == "review":
        return has(petition.review_unit_id)
    if relation == "office_or_current":
        return has(petition.office_unit_id) or has(petition.current_unit_id)
    if relation == "involved":
        return has(petition.office_unit_id) or has(petition.current_unit_id) or has(petition.review_unit_id)
    return False


def can_act(user: Any, petition: Petition, action: str) -> bool:
    rule = ACTIONS[Action(action)]
    ctx = actor_context(user)
    return unit_relation_ok(ctx, petition, rule.unit, rule.roles)


def ensure_can_act(user: Any, petition: Petition, action: str) -> None:
    if not can_act(user, petition, action):
        raise NotPermitted(f"您的岗位不能对该信访事项执行“{Action(action).label}”操作")


def can_see_identity(user: Any, petition: Petition) -> bool:
    """A confidential petitioner is hidden from the handling unit unless the office released it."""
    if not petition.confidential or petition.identity_released:
        return True
    ctx = actor_context(user)
    if ctx.is_superuser:
        return True
    office_like = {u.pk for u in ctx.units.values() if u.kind == Unit.Kind.XINFANG}
    return bool(office_like) and (
        petition.office_unit_id in office_like
        or any(
            petition.office_path.startswith(ctx.units[uid].path)
            or petition.area_path.startswith(ctx.units[uid].area.path)
            for uid in office_like
        )
    )


def identity_visible_q(user: Any) -> Q:
    """can_see_identity as a condition: what a search by the petitioner's name, ID number or phone may
    match, so that a confidential case is not found (nor hinted at) by its petitioner's identity."""
    open_q = Q(confidential=False) | Q(identity_released=True)
    ctx = actor_context(user)
    if ctx.is_superuser:
        return Q()
    office_like = [u for u in ctx.units.values() if u.kind == Unit.Kind.XINFANG]
    for unit in office_like:
        open_q |= (
            Q(office_unit_id=unit.pk) | Q(office_path__startswith=unit.path) | Q(area_path__startswith=unit.area.path)
        )
    return open_q


def can_see_name(user: Any, petition: Petition) -> bool:
    """The petitioner's full name and address: for the units that handle the case (the registering office,
    the handling unit, the review organ, and the units above them), never where the identity is withheld
    (a confidential case); others who may see the case (by area, a leader) see the masked name. The
    accused unit never sees the case at all (can_see)."""
    if not can_see_identity(user, petition):
        return False
    ctx = actor_context(user)
    if ctx.is_superuser:
        return True
    for unit in ctx.units.values():
        if petition.office_path.startswith(unit.path) or (
            petition.current_path and petition.current_path.startswith(unit.path)
        ):
            return True
    return petition.review_unit_id is not None and petition.review_unit_id in ctx.units


def listed_name(user: Any, petition: Petition) -> str:
    """The petitioner's name in a case list: （保密） for every confidential case whose identity is not
    released, whoever looks (a list is read over shoulders and printed); other names as `shown_name`."""
    if petition.confidential and not petition.identity_released:
        return "（保密）"
    return shown_name(user, petition)


def shown_name(user: Any, petition: Petition) -> str:
    """The petitioner's name as this viewer is shown it: full, masked, or （保密）."""
    if petition.confidential and not petition.identity_released and not can_see_identity(user, petition):
        return "（保密）"
    if can_see_name(user, petition):
        return petition.petitioner_name or ""
    return petition.petitioner_name_masked
