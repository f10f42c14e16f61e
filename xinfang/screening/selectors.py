"""Reads: the campaign board and the 作战示意图 (by area), a leader's cases and 化解率, the dispute list."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from xinfang.accounts.models import Area
from xinfang.petitions.access import petitions_visible_to
from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import Status

from .access import disputes_visible_to
from .models import Campaign, CaseClass, Dispute, Outcome, ReceptionDay, RiskGrade

RESOLVED = Q(outcome=Outcome.RESOLVED)
OPEN = ~Q(outcome__in=Outcome.closed())


@dataclass
class Tile:
    area: Area
    screened: int = 0
    marked: int = 0
    resolved: int = 0
    open_by_grade: dict[str, int] = field(default_factory=dict)  # grade code → open disputes
    color: str = ""  # the most serious open grade's colour; "" when nothing is open
    grade_name: str = ""

    @property
    def open(self) -> int:
        return sum(self.open_by_grade.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "area": self.area.code,
            "name": self.area.name,
            "screened": self.screened,
            "marked": self.marked,
            "resolved": self.resolved,
        }


@dataclass
class Board:
    area: Area
    campaign: Campaign | None
    tiles: list[Tile]
    grades: list[RiskGrade]
    screened: int
    marked: int
    resolved: int

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.campaign.name if self.campaign else self.area.name,
            "screened": self.screened,
            "marked": self.marked,
            "resolved": self.resolved,
            "by_area": [t.as_json() for t in self.tiles],
        }


def board_areas(area: Area) -> list[Area]:
    """The tiles: the area's children (townships of a county; counties of a city), from the 区划 tree."""
    children = list(Area.objects.filter(parent=area, active=True).order_by("code"))
    return children or [area]


def board_disputes(user: Any, *, area: Area, campaign: Campaign | None = None) -> QuerySet[Dispute]:
    """`user=None`: every dispute (the command's view of its office's campaign); else the user's scope."""
    qs = Dispute.objects.all() if user is None else disputes_visible_to(user)
    qs = qs.filter(area_path__startswith=area.path)
    return qs.filter(campaign=campaign) if campaign is not None else qs


def board_build(user: Any, *, area: Area, campaign: Campaign | None = None) -> Board:
    """Per tile: screened (all disputes), marked (the hard cases 挂图), resolved (已化解), and the open ones by
    grade, which colour the tile. Two grouped queries whatever the number of disputes."""
    areas = board_areas(area)
    grades = list(RiskGrade.objects.all())
    rank = {g.pk: g for g in grades}
    tiles = {a.pk: Tile(area=a) for a in areas}
    qs = board_disputes(user, area=area, campaign=campaign)
    paths = [(a.path, tiles[a.pk]) for a in areas]

    def tile_of(path: str) -> Tile | None:
        for prefix, tile in paths:
            if path.startswith(prefix):
                return tile
        return None

    rows = qs.values("area_path", "grade_id", "outcome", "marked").annotate(n=Count("id"))
    for row in rows:
        tile = tile_of(row["area_path"])
        if tile is None:
            continue
        n = row["n"]
        tile.screened += n
        tile.marked += n if row["marked"] else 0
        tile.resolved += n if row["outcome"] == Outcome.RESOLVED else 0
        if row["outcome"] not in Outcome.closed():
            code = rank[row["grade_id"]].code
            tile.open_by_grade[code] = tile.open_by_grade.get(code, 0) + n
    for tile in tiles.values():
        open_grades = [g for g in grades if tile.open_by_grade.get(g.code)]
        if open_grades:
            worst = min(open_grades, key=lambda g: g.rank)
            tile.color, tile.grade_name = worst.color, worst.name
    ordered = [tiles[a.pk] for a in areas]
    return Board(
        area=area,
        campaign=campaign,
        tiles=ordered,
        grades=grades,
        screened=sum(t.screened for t in ordered),
        marked=sum(t.marked for t in ordered),
        resolved=sum(t.resolved for t in ordered),
    )


@dataclass
class Rate:
    label: str
    total: int
    resolved: int
    target: Decimal | None = None

    @property
    def rate(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.resolved) * 100 / Decimal(self.total)).quantize(Decimal("0.1"))

    @property
    def met(self) -> bool | None:
        if self.target is None or self.rate is None:
            return None
        return self.rate >= self.target


def campaign_progress(user: Any, campaign: Campaign) -> list[Rate]:
    """化解率 against each target, numerator and denominator shown (research-wave2 §1.2)."""
    qs = board_disputes(user, area=campaign.area, campaign=campaign)
    counts: dict[str, dict[str, Any]] = {
        row["case_class"]: dict(row)
        for row in qs.values("case_class").annotate(total=Count("id"), resolved=Count("id", filter=RESOLVED))
    }
    targets = {
        CaseClass.FIRST: campaign.target_first,
        CaseClass.REPEAT: campaign.target_repeat,
        CaseClass.OLD: campaign.target_old,
    }
    out = []
    for cls, target in targets.items():
        row = counts.get(cls, {})
        out.append(Rate(str(cls.label), row.get("total", 0), row.get("resolved", 0), target))
    return out


def leader_cases(leader: Any) -> tuple[QuerySet[Dispute], QuerySet[Petition]]:
    disputes = Dispute.objects.filter(leader=leader).select_related("grade", "area").order_by("due_date")
    petitions = petitions_visible_to(leader, Petition.objects.filter(leader=leader)).order_by("due_date")
    return disputes, petitions


def leader_rate(leader: Any) -> Rate:
    """包案化解率 = (已化解 disputes + 办结 petitions) ÷ all cases the leader took on. A case handed to another
    leader counts for the one holding it now; 转入法定途径 counts as not resolved by the leader."""
    d = Dispute.objects.filter(leader=leader).aggregate(total=Count("id"), resolved=Count("id", filter=RESOLVED))
    p = Petition.objects.filter(leader=leader).aggregate(
        total=Count("id"), resolved=Count("id", filter=Q(status__in=[Status.CLOSED, Status.FINAL]))
    )
    return Rate("包案化解率", d["total"] + p["total"], d["resolved"] + p["resolved"])


def campaigns_visible_to(user: Any) -> QuerySet[Campaign]:
    from xinfang.accounts.access import actor_context

    from .access import area_scope_paths

    ctx = actor_context(user)
    qs = Campaign.objects.select_related("area", "office")
    if ctx.is_superuser or "admin" in ctx.all_roles:
        return qs
    q = Q(pk__in=[])
    for path in area_scope_paths(ctx):
        q |= Q(area__path__startswith=path) | Q(area__path__in=_ancestors(path))
    q |= Q(units__in=list(ctx.units)) | Q(members__user_id=ctx.user_id)
    return qs.filter(q).distinct()


def _ancestors(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def reception_days_public(*, area_code: str = "", days_ahead: int = 60) -> QuerySet[ReceptionDay]:
    """The published schedule for the portal: today onwards, not cancelled ones hidden (shown as cancelled)."""
    import datetime as dt

    from xinfang.core.timeutil import today

    start = today()
    qs = ReceptionDay.objects.filter(published=True, date__gte=start, date__lte=start + dt.timedelta(days=days_ahead))
    if area_code:
        area = Area.objects.filter(code=area_code).first()
        qs = qs.filter(area_path__startswith=area.path) if area else qs.none()
    return qs.select_related("leader", "area").order_by("date", "start_time")


@dataclass
class LeaderRow:
    leader: Any
    total: int
    resolved: int
    overdue: int

    @property
    def rate(self) -> Decimal | None:
        return Rate("", self.total, self.resolved).rate


def campaign_leaders(user: Any, campaign: Campaign) -> list[LeaderRow]:
    """Each 包案 leader's cases in the campaign: how many, resolved, overdue (化解率 counted per leader)."""
    from xinfang.accounts.models import User

    qs = board_disputes(user, area=campaign.area, campaign=campaign).exclude(leader=None)
    rows = qs.values("leader_id").annotate(
        total=Count("id"),
        resolved=Count("id", filter=RESOLVED),
        overdue=Count("id", filter=Q(deadline_state="overdue")),
    )
    users = User.objects.in_bulk([r["leader_id"] for r in rows])
    out = [LeaderRow(users[r["leader_id"]], r["total"], r["resolved"], r["overdue"]) for r in rows]
    out.sort(key=lambda r: (-(r.rate or 0), -r.total))
    return out
