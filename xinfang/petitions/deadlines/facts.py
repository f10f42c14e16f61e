"""The case's facts a limit is counted by, copied onto its deadline rows.

The statistics (xinfang.statistics) count the limits of a scope -- an area's subtree, seen by a user the
accusation rule keeps from some cases -- and group them by the case's 承办单位 and 登记部门. Reading those
from the case meant joining every limit due in the period in the whole province to the scope's cases of
every period (a city's month at 1M cases: 313,000 limits joined to 105,000 cases, 130–300 ms a query).
With the facts on the rows, deadline_area_due answers a scope's limits of a period alone.

The copies follow the case: written with each row (schedule.deadline_open, the bulk writer), rewritten
where the case's area or units change (services._apply calls `deadlines_follow_case` with the fields it
saved) and where accounts moves a unit (petitions.paths). `deadline_facts_differ` finds rows that do not
match (the tests run it after every workflow path).

A row's `shares_code` flag (its case has another limit of the code) is not a copy but is derived the same way
and checked beside them: `deadline_shares_code_differ`, `deadlines_reflag_shares_code`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from ..models import Petition
from .models import Deadline

# The case's columns copied (same names on both tables, so that a condition on them reads on either).
FACTS = ("area_id", "current_unit_id", "office_unit_id", "accused_path")
# A change of any of these case fields (as the workflow names them) rewrites the copies.
_FOLLOWED = frozenset({"area", "current_unit", "office_unit", "accused_path", "accused_unit"})


def case_facts(petition: Petition) -> dict[str, Any]:
    return {name: getattr(petition, name) for name in FACTS}


def copy_facts(deadline: Deadline, petition: Petition) -> None:
    for name, value in case_facts(petition).items():
        setattr(deadline, name, value)


def deadlines_follow_case(petition: Petition, changed: Iterable[str]) -> int:
    """Rewrite the copies on the case's rows when one of the saved fields is a copied one: one UPDATE."""
    names = {name.removesuffix("_id") for name in changed}
    if not names & _FOLLOWED:
        return 0
    return Deadline.objects.filter(petition_id=petition.pk).update(**case_facts(petition))


def deadlines_copy_facts(rows: QuerySet[Deadline]) -> int:
    """Rewrite the copies on these rows from their cases, in one UPDATE (a unit moved in accounts' tree:
    petitions.paths; `manage.py stats_verify --fix`)."""
    case = Petition.objects.filter(pk=OuterRef("petition_id"))
    return rows.update(**{name: Subquery(case.values(name)[:1]) for name in FACTS})


def deadline_facts_differ() -> QuerySet[Deadline]:
    """The deadline rows whose copies differ from their case's (none, when everything writes them)."""
    differs = Q()
    for name in FACTS:
        there = f"petition__{name}"
        # Both set and unequal (Django's negation alone would also match a null on both sides).
        differs |= Q(**{f"{name}__isnull": False, f"{there}__isnull": False}) & ~Q(**{name: F(there)})
        # A null on one side only.
        differs |= Q(**{f"{name}__isnull": True, f"{there}__isnull": False})
        differs |= Q(**{f"{name}__isnull": False, f"{there}__isnull": True})
    return Deadline.objects.filter(differs)


def _another_of_the_code() -> Exists:
    return Exists(
        Deadline.objects.filter(petition_id=OuterRef("petition_id"), code=OuterRef("code")).exclude(pk=OuterRef("pk"))
    )


def deadline_shares_code_differ() -> QuerySet[Deadline]:
    """The rows whose `shares_code` flag is wrong: set where the case has no other limit of the code, or unset
    where it has one (none, when everything writes them: schedule.deadline_open, bulk_deadlines)."""
    other = _another_of_the_code()
    return Deadline.objects.filter((Q(shares_code=True) & ~other) | (Q(shares_code=False) & other))


def deadlines_reflag_shares_code(rows: QuerySet[Deadline]) -> int:
    """Set these rows' `shares_code` flags from their cases' limits, in one UPDATE (`manage.py stats_verify --fix`)."""
    return rows.update(shares_code=_another_of_the_code())
