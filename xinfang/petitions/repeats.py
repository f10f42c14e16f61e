"""`Petition.has_repeat`: whether a later case was registered as a repeat (同人同事) of this one.

Written wherever a case gets its `repeat_of`: the intakes (services.intake), the bulk path (import,
generator: bulk.py, demo.volume.writers). It is a fact about other cases, not a step of this one: no
event, no audit record, like the path copies (petitions.paths). `repeats_differ()` lists the cases whose
flag does not match (the tests run it after each of those paths)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Petition


def mark_repeated(origin_ids: Iterable[int | None]) -> int:
    """Flag the cases these repeats refer to: one UPDATE (none when no id is given)."""
    ids = sorted({pk for pk in origin_ids if pk})
    if not ids:
        return 0
    return Petition.objects.filter(pk__in=ids, has_repeat=False).update(has_repeat=True)


def _repeated() -> Exists:
    """Whether a case is the `repeat_of` of another: what the flag stands for."""
    return Exists(Petition.objects.filter(repeat_of_id=OuterRef("pk")))


def repeats_reflag(petition_ids: Iterable[int]) -> int:
    """Set these cases' flags from their repeats again (`manage.py stats_verify --fix`)."""
    return Petition.objects.filter(pk__in=sorted(set(petition_ids))).update(has_repeat=_repeated())


def repeats_differ() -> QuerySet[Petition]:
    """The cases whose flag says otherwise than their repeats do."""
    repeated = _repeated()
    return Petition.objects.filter((Q(has_repeat=False) & repeated) | (Q(has_repeat=True) & ~repeated))
