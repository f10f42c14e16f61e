"""回访 (return visit): after the reply the office calls the petitioner back, or asks by SMS; unrated
replies become 回访 tasks; a reply never rated stays 未评价 (it is never counted as 满意)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from xinfang.core.errors import ValidationFailed
from xinfang.core.timeutil import local_date

from .. import messaging, steps
from ..models import Petition, Rating, ReturnVisit
from ..workflow import Action, Status
from ._common import _apply, _lock
from .petitioner import petition_rate


@transaction.atomic
def petition_return_visit(
    *,
    actor: Any,
    petition_id: int,
    method: str,
    reached: bool,
    rating: str = "",
    comment: str = "",
    visited_at: dt.datetime | None = None,
) -> ReturnVisit:
    """Record one 回访 (date, caller, method, whether reached, the petitioner's rating and words).

    A rating given on the call of a replied, unrated case is recorded as the case's rating (满意 and
    基本满意 close it; 不满意 sends it to 研判). An SMS 回访 sends the petitioner the rating request.
    Completes the open 回访 task of the case, if any."""
    petition = _lock(petition_id)
    if method not in ReturnVisit.Method.values:
        raise ValidationFailed("请选择回访方式", field="method")
    if rating and rating not in Rating.values:
        raise ValidationFailed("请选择满意、基本满意或不满意", field="rating")
    if rating and not reached:
        raise ValidationFailed("未联系上信访人时不能录入评价", field="rating")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationFailed("信访人意见不超过2000字", field="comment")
    at = visited_at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationFailed("回访时间不能晚于现在", field="visited_at")
    if petition.replied_at and at < petition.replied_at:
        raise ValidationFailed("回访时间不能早于答复时间", field="visited_at")
    eff = steps.effect(petition, Action.RETURN_VISIT, at=at, via=method, final=reached, rating=rating, comment=comment)
    _apply(petition, eff, actor=actor)
    task = ReturnVisit.objects.select_for_update().filter(petition=petition, visited_at__isnull=True).first()
    visit = task or ReturnVisit(petition=petition)
    visit.visited_at, visit.caller = at, actor if getattr(actor, "is_authenticated", False) else None
    visit.method, visit.reached, visit.rating, visit.comment = method, reached, rating, comment
    visit.save()
    if rating and petition.status == Status.REPLIED and not petition.rating:
        petition_rate(petition_id=petition.pk, rating=rating, comment=comment, actor=actor, via="return_visit")
    return visit


def return_visits_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Replies unrated for XINFANG_RETURN_VISIT_AFTER_DAYS days become 回访 tasks for the office (once per
    reply). Idempotent: one open task per case (a unique constraint), one message per reply."""
    now = now or timezone.now()
    days = settings.XINFANG_RETURN_VISIT_AFTER_DAYS
    cutoff = now - dt.timedelta(days=days)
    stats = {"tasks": 0, "notified": 0}
    visits = ReturnVisit.objects.filter(petition_id=OuterRef("pk"))
    open_task = visits.filter(visited_at__isnull=True)
    visited_since = visits.filter(visited_at__gte=OuterRef("replied_at"))
    due = (
        Petition.objects.filter(status=Status.REPLIED, rating="", replied_at__lte=cutoff)
        .exclude(Exists(open_task))
        .exclude(Exists(visited_since))
        .order_by("id")
    )
    for petition in due.iterator(chunk_size=500):
        try:
            with transaction.atomic():
                ReturnVisit.objects.create(petition=petition, due_on=local_date(now))
                stats["tasks"] += 1
                stats["notified"] += messaging.return_visit_due(petition, days=days)
        except IntegrityError:  # a concurrent sweep made it
            continue
    return stats


def rating_state(petition: Petition, *, now: dt.datetime | None = None) -> str:
    """满意 / 基本满意 / 不满意 as rated; 待评价 within the window after the reply; 未评价 after it
    (XINFANG_RATING_WINDOW_DAYS) — an unrated reply is never counted as satisfied."""
    if petition.rating:
        return str(Rating(petition.rating).label)
    if petition.replied_at is None:
        return ""
    window = dt.timedelta(days=settings.XINFANG_RATING_WINDOW_DAYS)
    return "未评价" if (now or timezone.now()) > petition.replied_at + window else "待评价"
