"""Who sees and works which dispute (the same 属地 logic as petitions/access.py).

- 信访部门, leaders and supervisors: every dispute in their area's subtree;
- a township or village (属地 responsibility): the disputes of its own territory only;
- a responsible unit or its parents: the disputes given to it or to a unit under it, and those it registered;
- a 包案 leader: their own cases, wherever they are.
"Missing" and "not yours" are the same 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from xinfang.accounts.access import ActorContext, actor_context
from xinfang.accounts.models import Role, Unit
from xinfang.core.errors import NotPermitted
from xinfang.core.validators import is_ascii_digits

from .models import Dispute

TERRITORIAL = {Unit.Kind.TOWNSHIP, Unit.Kind.VILLAGE}
WORK_ROLES = {Role.CLERK, Role.DISPATCHER, Role.HANDLER, Role.HEAD, Role.LEADER, Role.ADMIN}
MANAGE_ROLES = {Role.CLERK, Role.DISPATCHER, Role.HEAD, Role.LEADER, Role.ADMIN}


def area_scope_paths(ctx: ActorContext) -> list[str]:
    """Area paths whose whole subtree the user sees."""
    out = []
    for unit in ctx.units.values():
        roles = ctx.roles_in(unit.pk)
        if unit.kind == Unit.Kind.XINFANG or roles & {Role.LEADER, Role.SUPERVISOR} or unit.kind in TERRITORIAL:
            out.append(unit.area.path)
    return out


def _sees_all(ctx: ActorContext) -> bool:
    return ctx.is_superuser or Role.ADMIN in ctx.all_roles


def dispute_scope_q(user: Any) -> Q | None:
    ctx = actor_context(user)
    if ctx.user_id is None:
        return None
    if _sees_all(ctx):
        return Q()
    scope = Q(leader_id=ctx.user_id)
    for unit in ctx.units.values():
        scope |= Q(responsible_path__startswith=unit.path) | Q(office_path__startswith=unit.path)
    for path in area_scope_paths(ctx):
        scope |= Q(area_path__startswith=path)
    return scope


def disputes_visible_to(user: Any, queryset: QuerySet[Dispute] | None = None) -> QuerySet[Dispute]:
    qs = queryset if queryset is not None else Dispute.objects.all()
    scope = dispute_scope_q(user)
    return qs.none() if scope is None else qs.filter(scope)


def can_see_dispute(user: Any, dispute: Dispute) -> bool:
    ctx = actor_context(user)
    if ctx.user_id is None:
        return False
    if _sees_all(ctx) or dispute.leader_id == ctx.user_id:
        return True
    for unit in ctx.units.values():
        if dispute.responsible_path.startswith(unit.path) or dispute.office_path.startswith(unit.path):
            return True
    return any(dispute.area_path.startswith(path) for path in area_scope_paths(ctx))


def access_dispute(user: Any, key: int | str) -> Dispute:
    qs = Dispute.objects.select_related("grade", "area", "office", "responsible_unit", "leader", "campaign")
    try:
        dispute = qs.get(pk=int(key)) if is_ascii_digits(str(key)) else qs.get(number=str(key))
    except Dispute.DoesNotExist:
        raise Http404("矛盾纠纷不存在或无权查看") from None
    if not can_see_dispute(user, dispute):
        raise Http404("矛盾纠纷不存在或无权查看")
    return dispute


def can_manage_dispute(user: Any, dispute: Dispute) -> bool:
    """Grade, 包案 leader, responsible unit, campaign: the office or a leader of the area, or the
    registering unit's head."""
    ctx = actor_context(user)
    if _sees_all(ctx):
        return True
    for unit in ctx.units.values():
        roles = ctx.roles_in(unit.pk)
        area_ok = dispute.area_path.startswith(unit.area.path)
        if unit.kind == Unit.Kind.XINFANG and roles & MANAGE_ROLES and area_ok:
            return True
        if Role.LEADER in roles and area_ok:
            return True
        if Role.HEAD in roles and dispute.office_path.startswith(unit.path):
            return True
    return False


def can_work_dispute(user: Any, dispute: Dispute) -> bool:
    """Progress, plan steps, outcome: the managers, the responsible unit's staff and the 包案 leader."""
    ctx = actor_context(user)
    if can_manage_dispute(user, dispute) or dispute.leader_id == ctx.user_id:
        return True
    for unit in ctx.units.values():
        if not ctx.roles_in(unit.pk) & WORK_ROLES:
            continue
        if dispute.responsible_path.startswith(unit.path):
            return True
        if unit.kind in TERRITORIAL and dispute.area_path.startswith(unit.area.path):
            return True
    return False


def ensure_manage(user: Any, dispute: Dispute) -> None:
    if not can_manage_dispute(user, dispute):
        raise NotPermitted("您的岗位不能调整该矛盾纠纷的等级、责任单位或包案领导")


def ensure_work(user: Any, dispute: Dispute) -> None:
    if not can_work_dispute(user, dispute):
        raise NotPermitted("您不是该矛盾纠纷的责任单位、包案领导或属地单位，不能办理")


def registrable_units(user: Any) -> list[Unit]:
    """Units at which the user may register disputes: 信访部门, governments and townships where they work."""
    ctx = actor_context(user)
    kinds = {Unit.Kind.XINFANG, Unit.Kind.GOVERNMENT, Unit.Kind.POLITICS_LAW, *TERRITORIAL}
    return [u for u in ctx.units.values() if u.kind in kinds and ctx.roles_in(u.pk) & WORK_ROLES]


def leader_level(user: Any) -> int | None:
    """The highest level (smallest Area.Level number) at which the user holds a 领导 post, or None."""
    ctx = actor_context(user)
    levels = [u.area.level for u in ctx.units_with(Role.LEADER)]
    return min(levels) if levels else None


def scope_paths(user: Any) -> list[str]:
    """Area paths the user works in (forms' choices of areas, units and leaders; 接访日 and 下访 lists):
    their offices', leaders' and territories' areas and the areas of the units they register at."""
    ctx = actor_context(user)
    if ctx.is_superuser and not ctx.units:
        return ["/"]
    paths = set(area_scope_paths(ctx)) | {u.area.path for u in registrable_units(user)}
    return sorted(paths) or ["\0"]
