"""Staff pages for campaigns, the 作战示意图, leaders' cases, 接访日, 下访 and the screening-list import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Area
from xinfang.core.errors import DomainError, ValidationFailed
from xinfang.core.timeutil import SHANGHAI, today
from xinfang.petitions.views import apply_domain_error, staff_required

from . import forms as f
from . import importer, selectors, services
from .access import disputes_visible_to, leader_level, registrable_units, scope_paths
from .board_svg import board_svg
from .models import AreaMap, Campaign, DownVisit, ReceptionDay


def _campaign(user: Any, pk: int) -> Campaign:
    campaign = selectors.campaigns_visible_to(user).filter(pk=pk).first()
    if campaign is None:
        raise Http404("专项攻坚不存在或无权查看")
    return campaign


def _home_area(user: Any) -> Area:
    ctx = actor_context(user)
    units = list(ctx.units.values())
    if not units:
        area: Area | None = Area.objects.filter(parent__isnull=True).first()
        if area is None:
            raise Http404
        return area
    areas: list[Area] = [u.area for u in units]
    areas.sort(key=lambda a: len(a.path))
    return areas[0]


@staff_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(selectors.campaigns_visible_to(request.user))
    form = f.CampaignForm(request.POST or None, paths=scope_paths(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        office = next(iter(registrable_units(request.user)), None)
        if office is None:
            raise PermissionDenied("您没有可部署攻坚的单位岗位")
        try:
            campaign = services.campaign_create(actor=request.user, office=office, **d)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已部署专项攻坚“{campaign.name}”")
            return redirect("screening:campaign", pk=campaign.pk)
    return render(request, "screening/campaigns.html", {"campaigns": campaigns, "form": form})


def _board_context(request: HttpRequest, area: Area, campaign: Campaign | None) -> dict[str, Any]:
    board = selectors.board_build(request.user, area=area, campaign=campaign)
    area_map = AreaMap.objects.filter(area=area).only("id").first()
    return {"board": board, "campaign": campaign, "area": area, "has_map": area_map is not None}


@staff_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request.user, pk)
    member_form = f.MemberForm(request.POST or None)
    if request.method == "POST" and member_form.is_valid():
        try:
            services.campaign_add_member(actor=request.user, campaign=campaign, **member_form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(member_form, exc)
        else:
            messages.success(request, "指挥部成员已更新")
            return redirect("screening:campaign", pk=pk)
    ctx = _board_context(request, campaign.area, campaign)
    marked = (
        disputes_visible_to(request.user)
        .filter(campaign=campaign, marked=True)
        .select_related("grade", "area", "leader", "responsible_unit")
        .order_by("grade__rank", "due_date")
    )
    ctx.update(
        {
            "progress": selectors.campaign_progress(request.user, campaign),
            "leaders": selectors.campaign_leaders(request.user, campaign),
            "members": campaign.members.select_related("user"),
            "units": campaign.units.all(),
            "petition_count": campaign.petitions.count(),
            "marked_cases": marked,
            "member_form": member_form,
            "today": today(),
        }
    )
    return render(request, "screening/campaign.html", ctx)


@staff_required
def county_board(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("area", "")
    area = Area.objects.filter(code=code).first() if code else _home_area(request.user)
    if area is None:
        raise Http404
    ctx = _board_context(request, area, None)
    ctx["parent"] = area.parent
    return render(request, "screening/board.html", ctx)


@staff_required
def board_image(request: HttpRequest) -> HttpResponse:
    """The schematic board as an SVG file to put into a 通报 (campaign=…, or area=… for a county's)."""
    campaign = None
    if request.GET.get("campaign", "").isdigit():
        campaign = _campaign(request.user, int(request.GET["campaign"]))
        area = campaign.area
    else:
        code = request.GET.get("area", "")
        found = Area.objects.filter(code=code).first() if code else _home_area(request.user)
        if found is None:
            raise Http404
        area = found
    board = selectors.board_build(request.user, area=area, campaign=campaign)
    title = f"{campaign.name}作战示意图" if campaign else f"{area.name}矛盾纠纷作战示意图"
    svg = board_svg(board, title=title, subtitle=f"截至{today():%Y年%m月%d日}：")
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename=board-{area.code}.svg"
    return response


@staff_required
def board_map(request: HttpRequest) -> HttpResponse:
    """The real shapes (ECharts, the office's own GeoJSON) with the tiles' counts and the disputes' points."""
    area = get_object_or_404(Area, code=request.GET.get("area", ""))
    campaign = (
        _campaign(request.user, int(request.GET["campaign"])) if request.GET.get("campaign", "").isdigit() else None
    )
    area_map = AreaMap.objects.filter(area=area).first()
    upload = f.MapUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload.is_valid():
        try:
            services.area_map_upload(actor=request.user, area=area, raw=upload.cleaned_data["file"].read())
        except DomainError as exc:
            apply_domain_error(upload, exc)
        else:
            messages.success(request, "辖区地图已上传")
            return redirect(request.get_full_path())
    board = selectors.board_build(request.user, area=area, campaign=campaign)
    located = (
        selectors.board_disputes(request.user, area=area, campaign=campaign)
        .exclude(latitude=None)
        .exclude(longitude=None)
        .select_related("grade")[:2000]
    )
    points = [
        {
            "name": d.number,
            "value": [float(d.longitude), float(d.latitude)],
            "grade": d.grade.color,
            "url": f"/screening/d/{d.pk}/",
        }
        for d in located
        if d.longitude is not None and d.latitude is not None
    ]
    data = {
        "tiles": [{**t.as_json(), "color": t.color or "#e6f4ea", "open": t.open} for t in board.tiles],
        "points": points,
        "geojson": area_map.geojson if area_map else None,
    }
    return render(
        request,
        "screening/map.html",
        {"board": board, "area": area, "campaign": campaign, "map_data": data, "upload": upload, "area_map": area_map},
    )


@staff_required
def leader_page(request: HttpRequest) -> HttpResponse:
    """My 包案: disputes and petitions with their deadlines, my 化解率; hand a petition over or release it."""
    from xinfang.petitions import services as petition_services
    from xinfang.petitions.access import access_petition

    if request.method == "POST":
        form = f.LeaderForm(request.POST, paths=scope_paths(request.user))
        petition = access_petition(request.user, request.POST.get("petition", ""))
        if form.is_valid():
            d = form.cleaned_data
            try:
                if request.POST.get("op") == "release":
                    petition_services.petition_release_leader(
                        actor=request.user, petition_id=petition.pk, reason=d["reason"]
                    )
                elif d["leader"] is None:
                    raise ValidationFailed("请选择接手的领导", field="leader")
                else:
                    petition_services.petition_hand_over(
                        actor=request.user, petition_id=petition.pk, to_leader=d["leader"], reason=d["reason"]
                    )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{petition.number}：已保存")
                return redirect("screening:leader")
    disputes, petitions = selectors.leader_cases(request.user)
    return render(
        request,
        "screening/leader.html",
        {
            "disputes": disputes,
            "petitions": petitions,
            "rate": selectors.leader_rate(request.user),
            "is_leader": leader_level(request.user) is not None,
            "handover_form": f.LeaderForm(paths=scope_paths(request.user)),
            "days": ReceptionDay.objects.filter(leader_id=request.user.pk, date__gte=today()).order_by("date")[:10],
        },
    )


@staff_required
def reception_list(request: HttpRequest) -> HttpResponse:
    paths = scope_paths(request.user)
    form = f.ReceptionDayForm(request.POST or None, paths=paths)
    if request.method == "POST" and form.is_valid():
        office = next(iter(registrable_units(request.user)), None)
        try:
            if office is None:
                raise PermissionDenied
            day = services.reception_day_create(actor=request.user, office=office, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已安排 {day.date:%m月%d日} {day.leader.get_full_name()} 接访")
            return redirect("screening:reception-list")
    from django.db.models import Count, Q

    q = Q(pk__in=[])
    for path in paths:
        q |= Q(area_path__startswith=path)
    days = (
        ReceptionDay.objects.filter(q)
        .select_related("leader", "area")
        .annotate(n=Count("visits"))
        .order_by("-date")[:100]
    )
    return render(request, "screening/reception_list.html", {"days": days, "form": form})


@staff_required
def reception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(ReceptionDay.objects.select_related("leader", "area", "office"), pk=pk)
    if not any(day.area_path.startswith(p) for p in scope_paths(request.user)) and day.leader_id != request.user.pk:
        raise Http404
    form = f.VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = services.reception_register_visit(
                actor=request.user,
                day_id=day.pk,
                interviewer=d["interviewer"],
                content=d["content"],
                title=d["title"],
                headcount=d["headcount"],
                petitioner={"name": d["name"], "id_number": d["id_number"], "phone": d["phone"]},
                leader_instruction=d["leader_instruction"],
                received_at=_on_day(day),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"已登记为信访事项 {visit.petition.number}（领导接访）")
            return redirect("screening:reception", pk=pk)
    visits = day.visits.select_related("petition").order_by("received_at")
    return render(
        request,
        "screening/reception.html",
        {"day": day, "visits": visits, "form": form, "is_today": day.date == today()},
    )


def _on_day(day: ReceptionDay) -> Any:
    """Now, if the day is today; otherwise the day's start (a record entered afterwards)."""
    import datetime as dt

    now = timezone.now()
    if now.astimezone(SHANGHAI).date() == day.date:
        return now
    return dt.datetime.combine(day.date, day.start_time, tzinfo=SHANGHAI)


@staff_required
def down_visit_list(request: HttpRequest) -> HttpResponse:
    paths = scope_paths(request.user)
    form = f.DownVisitForm(request.POST or None, paths=paths)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        numbers = [n.strip() for n in d.pop("disputes").replace("，", ",").split(",") if n.strip()]
        disputes = list(disputes_visible_to(request.user).filter(number__in=numbers))
        office = next(iter(registrable_units(request.user)), None)
        if len(disputes) != len(set(numbers)):
            form.add_error("disputes", "部分矛盾纠纷编号不存在或无权查看")
        elif office is None:
            form.add_error(None, "您没有可登记下访的单位岗位")
        else:
            try:
                services.down_visit_record(actor=request.user, office=office, disputes=disputes, **d)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, "下访记录已登记")
                return redirect("screening:down-visits")
    from django.db.models import Q

    q = Q(pk__in=[]) | Q(leader=request.user)
    for path in paths:
        q |= Q(area_path__startswith=path)
    visits = DownVisit.objects.filter(q).select_related("leader", "area").prefetch_related("disputes")[:100]
    return render(request, "screening/down_visits.html", {"visits": visits, "form": form})


@staff_required
def import_page(request: HttpRequest) -> HttpResponse:
    campaigns = selectors.campaigns_visible_to(request.user)
    form = f.ImportForm(request.POST or None, request.FILES or None, campaigns=campaigns)
    report = None
    if request.method == "POST" and form.is_valid():
        office = next(iter(registrable_units(request.user)), None)
        if office is None:
            form.add_error(None, "您没有可登记矛盾纠纷的单位岗位")
        else:
            report = importer.screening_import(
                actor=request.user,
                office=office,
                data=form.cleaned_data["file"].read(),
                campaign=form.cleaned_data["campaign"],
                partial=form.cleaned_data["partial"],
            )
    return render(request, "screening/import.html", {"form": form, "report": report, "columns": importer.COLUMNS})
