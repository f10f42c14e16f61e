"""The workbench and the case list (filters, columns, sorting, pages)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from xinfang.accounts.access import actor_context

from .. import selectors
from ..access import listed_name
from ..list_filters import ListFilterForm
from ..models import Petition
from .base import staff_required

LIST_COLUMNS = (
    "number",
    "title",
    "is_group",
    "is_repeat",
    "confidential",
    "identity_released",
    "petitioner_name_enc",
    "petitioner_name_masked",
    "office_path",
    "current_path",
    "review_unit_id",
    "office_unit_id",  # with area_path: access.can_see_identity of a confidential case, in listed_name
    "area_path",
    "channel",
    "status",
    "due_date",
    "deadline_state",
    "received_at",
    "is_skip_level",
    "area__name",
    "current_unit__name",
)
PAGE_SIZE = 25


@dataclass(frozen=True)
class Column:
    label: str
    sort: str = ""  # the ?sort= key (selectors.SORTS); "" for a column that does not sort
    css: str = ""

    @property
    def desc(self) -> str:
        return f"-{self.sort}" if self.sort else ""


COLUMNS = (
    Column("编号", "number", "nowrap"),
    Column("标题"),
    Column("信访人"),
    Column("形式", css="nowrap"),
    Column("问题属地"),
    Column("承办单位"),
    Column("状态", "status", "nowrap"),
    Column("期限", css="nowrap"),
    Column("收到时间", "received", "nowrap"),
)


# The workbench counts each inbox up to this many cases and shows "999+" beyond: exact counts of a busy
# county's inboxes read every open case (tens of thousands at a province's scale). The list page (and
# its 导出) gives the exact number of any inbox.
WORKBENCH_CAP = 999


def _detail_url() -> Callable[[int], str]:
    """petitions:detail of any case from one reverse(): the path of a stand-in id, split around it (the
    path's <int:pk> is the id's digits, so every case's path is the same text with its own id)."""
    stand_in = 987654321
    head, _, tail = reverse("petitions:detail", args=[stand_in]).rpartition(str(stand_in))
    return lambda pk: f"{head}{pk}{tail}"


def _list_page(qs: Any, number: Any, user: Any, *, cap: int | None = None) -> Any:
    """One page of a case list (petitions/_rows.html renders it). With `cap`, the
    paginator counts at most cap + 1 cases and `page.capped` says whether there are more than cap."""
    qs = qs.select_related(None).select_related("area", "current_unit").only(*LIST_COLUMNS)
    paginator = Paginator(qs, PAGE_SIZE)
    capped = False
    if cap is not None:
        n = qs.order_by()[: cap + 1].count()
        capped = n > cap
        paginator.count = min(n, cap)  # cached_property: set before anything reads it
    page: Any = paginator.get_page(number)  # carries the extra attributes set below
    page.capped = capped
    detail_url = _detail_url()
    for p in page.object_list:
        # What the row's cells show, worked out here once rather than by a tag or a filter per cell in
        # _rows.html: `{% url %}` is a reverse() per row and `|date` a format lookup per call.
        p.detail_url = detail_url(p.pk)
        p.shown_name = listed_name(user, p)
        p.received_on = f"{timezone.localtime(p.received_at):%Y-%m-%d}"  # what |date:"Y-m-d" wrote
        p.due_on = f"{p.due_date:%m-%d}" if p.due_date else ""
    page.total_label = f"{cap}+" if capped else str(paginator.count)
    return page


@staff_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    boxes = selectors.inboxes_for(request.user)
    counts = selectors.inbox_counts_capped(request.user, WORKBENCH_CAP)
    keys = {b.key for b in boxes}
    asked = request.GET.get("inbox", "")
    current = asked if asked in keys else selectors.landing_inbox(request.user, counts)
    qs = selectors.petition_list(user=request.user, inbox=current) if current else Petition.objects.none()
    page = _list_page(qs, request.GET.get("page"), request.user, cap=WORKBENCH_CAP)

    def badge(n: int) -> str:
        return f"{WORKBENCH_CAP}+" if n > WORKBENCH_CAP else str(n)

    return render(
        request,
        "petitions/workbench.html",
        {
            "boxes": [(b, badge(counts.get(b.key, 0))) for b in boxes],
            "current": current,
            "page": page,
            "columns": COLUMNS,
            # A superuser without a post (the system administrator): say what the account is for.
            "without_post": not actor_context(request.user).roles_by_unit,
        },
    )


@staff_required
@require_GET
def petition_list(request: HttpRequest) -> HttpResponse:
    params = {
        k: request.GET.get(k, "").strip()[:100]
        for k in (
            "q",
            "status",
            "channel",
            "category",
            "area",
            "unit",
            "deadline_state",
            "date_from",
            "date_to",
            "inbox",
            "is_group",
            "is_repeat",
            "is_skip_level",
            "sort",
        )
    }
    filter_form = ListFilterForm(request.GET or None)
    dates: dict[str, Any] = {}
    if filter_form.is_bound and filter_form.is_valid():
        dates = {
            "date_from": filter_form.cleaned_data.get("date_from"),
            "date_to": filter_form.cleaned_data.get("date_to"),
        }
    qs = selectors.petition_list(
        user=request.user,
        inbox=params["inbox"],
        q=params["q"],
        status=params["status"],
        channel=params["channel"],
        category=params["category"],
        area=params["area"],
        unit=params["unit"],
        deadline_state=params["deadline_state"],
        is_group=params["is_group"],
        is_repeat=params["is_repeat"],
        is_skip_level=params["is_skip_level"],
        sort=params["sort"],
        **dates,
    )
    page = _list_page(qs, request.GET.get("page"), request.user)
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    sort = params["sort"] if params["sort"] in selectors.SORTS else ""
    return render(
        request,
        "petitions/list.html",
        {
            "page": page,
            "form": filter_form,
            "query": query.urlencode(),
            "columns": COLUMNS,
            "sort": sort,
            "sort_base": unsorted.urlencode(),
        },
    )


# ---------------------------------------------------------------- registration
