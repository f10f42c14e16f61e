"""Who the user is: their posts, units and roles, loaded once per request (`actor_context`).

Which cases that lets them see and act on is decided above, by the access module of the cases app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from xinfang.core import versioned

from .models import ACCESS, Area, Membership, Unit


@dataclass
class ActorContext:
    user_id: int | None
    is_superuser: bool = False
    roles_by_unit: dict[int, set[str]] = field(default_factory=dict)
    units: dict[int, Unit] = field(default_factory=dict)
    _subtree_ids: list[int] | None = field(default=None, repr=False)

    def roles_in(self, unit_id: int | None) -> set[str]:
        if unit_id is None:
            return set()
        return self.roles_by_unit.get(unit_id, set())

    def has_role(self, *roles: str) -> bool:
        return any(set(roles) & r for r in self.roles_by_unit.values())

    def units_with(self, *roles: str) -> list[Unit]:
        return [self.units[uid] for uid, r in self.roles_by_unit.items() if set(roles) & r]

    @property
    def all_roles(self) -> set[str]:
        out: set[str] = set()
        for r in self.roles_by_unit.values():
            out |= r
        return out

    @property
    def primary_unit(self) -> Unit | None:
        return next(iter(self.units.values()), None)

    def subtree_unit_ids(self) -> list[int]:
        """Ids of the user's units and every unit under them (one query, then kept for the request)."""
        if self._subtree_ids is None:
            paths = sorted({u.path for u in self.units.values()})
            q = Q(pk__in=[])
            for path in paths:
                q |= Q(path__startswith=path)
            self._subtree_ids = sorted(Unit.objects.filter(q).values_list("id", flat=True)) if paths else []
        return self._subtree_ids


def _posts(user_id: int) -> tuple[tuple[int, str], ...]:
    """(unit id, role) of each of the user's posts in an active unit."""
    rows = Membership.objects.filter(user_id=user_id, unit__active=True).values_list("unit_id", "role")
    return tuple(rows.order_by("pk"))  # the order posts were given: the first office is the default one


def _units(ids: tuple[int, ...]) -> dict[int, Unit]:
    return Unit.objects.select_related("area").in_bulk(list(ids))


def actor_context(user: Any) -> ActorContext:
    """Roles of a user, loaded once per request (cached on the user object).

    The posts and their units come from the worker's memory while the "access" token (users, posts, units,
    credentials) and the "reference" one (areas: a unit's area path is its subtree) are unchanged: any
    change to them is seen by the next request of every worker. Each request gets its own copies."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ActorContext(user_id=None)
    cached: ActorContext | None = getattr(user, "_xinfang_ctx", None)
    if cached is not None:
        return cached
    tokens = (ACCESS, Area.versioned_name)
    posts = versioned.cached(tokens, f"posts:{user.pk}", lambda: _posts(user.pk))
    unit_ids = tuple(sorted({uid for uid, _role in posts}))
    units = versioned.cached(tokens, f"units:{','.join(map(str, unit_ids))}", lambda: _units(unit_ids))
    ctx = ActorContext(user_id=user.pk, is_superuser=user.is_superuser)
    for uid, role in posts:
        cached_unit = units.get(uid)
        if cached_unit is None:  # deleted between the two lookups: the post is gone with it
            continue
        ctx.roles_by_unit.setdefault(uid, set()).add(role)
        if uid not in ctx.units:
            ctx.units[uid] = versioned.own_copy(cached_unit, "area")
    user._xinfang_ctx = ctx
    return ctx
