"""Open311 GeoReport v2 (docs: shared open311.md §2–§9, decisions §10, extensions §11.8).

Every view answers in the format of its suffix (.xml or .json); every error is the spec's
errors → error {code, description} body with 400 / 403 / 404. Nothing here raises a 500 on input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from xinfang.accounts.models import Area
from xinfang.core.errors import DomainError, NotPermitted, ValidationFailed
from xinfang.core.timeutil import SHANGHAI
from xinfang.core.validators import is_ascii_digits
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Category, Channel, Event
from xinfang.petitions.workflow import Status

from ..models import Open311Attribute, Open311Key, Open311Service, Open311Submission
from ..services import credential_lookup, credential_touch, open311_request_register
from . import selectors
from .render import FORMATS, error_response, respond

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
MAX_DESCRIPTION = 4000
WINDOW = dt.timedelta(days=90)
DEFAULT_CAP = 1000
HTML_LIKE = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>")
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
CJK = re.compile(r"[\u3400-\u9fff]")


class Open311Error(Exception):
    def __init__(self, status: int, description: str, *more: str) -> None:
        super().__init__(description)
        self.status = status
        self.descriptions = [description, *more]


def open311_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Map every refusal to the spec's error body, in the requested format."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, fmt: str = "xml", **kwargs: Any) -> HttpResponse:
        if fmt not in FORMATS:
            return error_response("xml", 404, [(404, f"不支持的格式：.{fmt}（支持 .xml 和 .json）")])
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return error_response(fmt, exc.status, [(exc.status, d) for d in exc.descriptions])
        except ValidationFailed as exc:
            return error_response(fmt, 400, [(400, m) for msgs in exc.errors.values() for m in msgs])
        except NotPermitted as exc:
            return error_response(fmt, 403, [(403, exc.message)])
        except DomainError as exc:
            return error_response(fmt, 400, [(400, exc.message)])
        except Http404 as exc:
            text = str(exc)
            return error_response(fmt, 404, [(404, text if text and not text.isascii() else "资源不存在")])

    return csrf_exempt(wrapped)


def _param(request: HttpRequest, name: str) -> str:
    """An optional parameter sent empty is the same as one not sent (§1.5)."""
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or "").strip()


def _list_param(request: HttpRequest, name: str) -> list[str]:
    """Comma lists, items trimmed; repeated parameters are accepted too (§10.6)."""
    items: list[str] = []
    for raw in request.GET.getlist(name):
        items.extend(item.strip() for item in raw.split(","))
    return [i for i in items if i]


def _jurisdiction(request: HttpRequest) -> Area | None:
    """Optional (§10.4): if given it must be an administrative-division code we host."""
    code = _param(request, "jurisdiction_id")
    if not code:
        return None
    area: Area | None = Area.objects.filter(code=code, active=True).first()
    if area is None:
        raise Open311Error(404, f"未知的 jurisdiction_id：{code}（应为本平台的行政区划代码）")
    return area


def _w3c(value: str, name: str, *, end: bool = False) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "+") if "T" in value else value)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise Open311Error(400, f"{name} 不是 W3C 日期时间格式（如 2026-01-01T00:00:00+08:00）")
        parsed = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if not 1900 <= parsed.year <= 2999:
        raise Open311Error(400, f"{name} 超出可处理的年份范围")
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = _param(request, name)
    if not raw:
        return default
    if not is_ascii_digits(raw) or not low <= int(raw) <= high:
        raise Open311Error(400, f"{name} 应为 {low} 至 {high} 的整数")
    return int(raw)


# ---------------------------------------------------------------- discovery and services


def _changeset() -> str:
    stamp = Open311Service.objects.aggregate(last=Max("updated_at"))["last"]
    count = Category.objects.filter(active=True).count()
    base = stamp.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if stamp else "2026-01-01 00:00"
    return f"{base} #{count}"


@open311_view
@require_http_methods(["GET", "HEAD"])
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    changeset = _changeset()
    site = getattr(settings, "XINFANG_SITE_NAME", "信访综合业务平台")
    document = {
        "changeset": changeset,
        "contact": f"{site}：请联系本级信访部门系统管理员",
        "key_service": "POST 需要 api_key：由系统管理员签发并绑定登记单位（信访部门），"
        "命令为 python manage.py open311_key --create 名称 --unit 单位编码。GET 方法无需 api_key。",
        "endpoints": [
            {
                "specification": SPEC_URL,
                "url": request.build_absolute_uri("/open311/v2"),
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", document)


def _service_configs() -> dict[int, Open311Service]:
    return {cfg.category_id: cfg for cfg in Open311Service.objects.prefetch_related("attributes")}


def _service_document(category: Category, cfg: Open311Service | None) -> dict[str, Any]:
    group = (cfg.group if cfg and cfg.group else None) or (category.parent.name if category.parent else category.name)
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": (cfg.description if cfg and cfg.description else None) or f"信访事项：{category}",
        "metadata": bool(cfg and cfg.attributes.all()),
        "type": cfg.type if cfg else Open311Service.Type.REALTIME,
        "keywords": cfg.keywords if cfg and cfg.keywords else None,
        "group": group,
    }


@open311_view
@require_http_methods(["GET", "HEAD"])
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    configs = _service_configs()
    categories = Category.objects.filter(active=True).select_related("parent").order_by("sort_order", "code")
    return respond(fmt, "services", [_service_document(c, configs.get(c.pk)) for c in categories])


def _category(code: str) -> Category:
    category: Category | None = Category.objects.filter(code=code, active=True).select_related("parent").first()
    if category is None:
        raise Open311Error(404, f"未知的 service_code：{code}")
    return category


def _attribute_document(attr: Open311Attribute) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "variable": attr.variable,
        "code": attr.code,
        "datatype": attr.datatype,
        "required": attr.required,
        "datatype_description": attr.datatype_description or None,
        "order": attr.order,
        "description": attr.description,
    }
    if attr.is_list:
        doc["values"] = [{"key": k, "name": n} for k, n in attr.value_keys().items()]
    return doc


@open311_view
@require_http_methods(["GET", "HEAD"])
def service_definition(request: HttpRequest, service_code: str, *, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    category = _category(service_code)
    cfg = Open311Service.objects.filter(category=category).first()
    attributes = list(cfg.attributes.order_by("order", "id")) if cfg else []
    document = {"service_code": category.code, "attributes": [_attribute_document(a) for a in attributes]}
    return respond(fmt, "service_definition", document)


# ---------------------------------------------------------------- POST a request


def _key(request: HttpRequest) -> Open311Key:
    raw = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if not raw:
        raise Open311Error(403, "缺少 api_key，不能提交（create_request）")
    key = credential_lookup(Open311Key, raw)
    if key is None:
        raise Open311Error(403, "api_key 无效或已吊销，不能提交（create_request）")
    credential_touch(key)
    return key


def _attributes_from(request: HttpRequest) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for name in request.POST:
        match = ATTRIBUTE_KEY.match(name)
        if match:
            answers.setdefault(match.group(1), []).extend(v.strip() for v in request.POST.getlist(name))
    return answers


def _check_attributes(cfg: Open311Service | None, answers: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(question, answer) lines for the case content. Unknown attributes are ignored (§10.8): clients
    such as FixMyStreet send extras (title, report URL, external id) as attributes."""
    lines: list[tuple[str, str]] = []
    errors: list[str] = []
    for attr in cfg.attributes.order_by("order", "id") if cfg else []:
        values = [v for v in answers.get(attr.code, []) if v]
        if not values:
            if attr.required and attr.variable:
                errors.append(f"缺少必填的 attribute[{attr.code}]（{attr.description}）")
            continue
        keys = attr.value_keys()
        shown: list[str] = []
        if attr.datatype == Open311Attribute.Datatype.SINGLE:
            if len(values) > 1:
                errors.append(f"attribute[{attr.code}] 只能选择一项")
            elif values[0] not in keys:
                errors.append(f"attribute[{attr.code}] 的取值“{values[0]}”不在可选项中")
            else:
                shown = [keys[values[0]]]
        elif attr.datatype == Open311Attribute.Datatype.MULTI:
            bad = [v for v in values if v not in keys]
            if bad:
                errors.append(f"attribute[{attr.code}] 的取值“{'、'.join(bad)}”不在可选项中")
            shown = [keys.get(v, v) for v in values]
        elif attr.datatype == Open311Attribute.Datatype.NUMBER:
            try:
                float(values[0])
                shown = [values[0]]
            except ValueError:
                errors.append(f"attribute[{attr.code}] 应为数字")
        elif attr.datatype == Open311Attribute.Datatype.DATETIME:
            try:
                when = _w3c(values[0], f"attribute[{attr.code}]")
                shown = [when.isoformat() if when else values[0]]
            except Open311Error as exc:
                errors.append(exc.descriptions[0])
        elif attr.datatype == Open311Attribute.Datatype.STRING:
            shown = [re.sub(r"[\r\n]+", " ", values[0])[:1000]]
        else:
            shown = [values[0][:4000]]
        if shown:
            lines.append((attr.description, "、".join(shown)))
    if errors:
        raise Open311Error(400, *errors)
    return lines


def _coordinate(raw: str, name: str, limit: float) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, f"{name} 应为数字（WGS84 经纬度）") from None
    if not -limit <= value <= limit or value != value:
        raise Open311Error(400, f"{name} 超出范围（-{limit:g} 至 {limit:g}）")
    return value


def _person_name(first: str, last: str) -> str:
    if CJK.search(first + last):
        return f"{last}{first}".strip()  # 中文姓名：姓在前
    return " ".join(part for part in (first, last) if part)


@open311_view
@require_http_methods(["POST"])
def request_create(request: HttpRequest, *, fmt: str) -> HttpResponse:
    key = _key(request)
    jurisdiction = _jurisdiction(request)
    office = key.unit
    area = office.area
    if jurisdiction is not None:
        if not jurisdiction.path.startswith(office.area.path):
            raise Open311Error(
                400, f"该 api_key 绑定的{office.name}不能登记 {jurisdiction.code}（{jurisdiction.name}）的事项"
            )
        area = jurisdiction
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, "缺少 service_code")
    category = _category(code)
    cfg = Open311Service.objects.filter(category=category).first()
    lat_raw, long_raw = _param(request, "lat"), _param(request, "long")
    if bool(lat_raw) != bool(long_raw):
        raise Open311Error(400, "lat 和 long 必须同时提供")
    lat, lng = _coordinate(lat_raw, "lat", 90), _coordinate(long_raw, "long", 180)
    address_string, address_id = _param(request, "address_string"), _param(request, "address_id")
    if lat is None and not address_string and not address_id:
        raise Open311Error(400, "缺少位置：请提供 lat 和 long、address_string 或 address_id 之一")
    if len(address_string) > 400 or len(address_id) > 100:
        raise Open311Error(400, "address_string 不超过400字，address_id 不超过100字")
    description = (request.POST.get("description") or "").strip()
    if not description:
        raise Open311Error(400, "缺少 description：请描述反映的问题和诉求")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description 不超过{MAX_DESCRIPTION}字（现为{len(description)}字）")
    if HTML_LIKE.search(description):
        raise Open311Error(400, "description 不能包含 HTML 或代码")
    media_url = _param(request, "media_url")
    if media_url and (len(media_url) > 500 or not re.match(r"^https?://\S+$", media_url)):
        raise Open311Error(400, "media_url 应为 http(s) 链接，不超过500字")
    answers = _attributes_from(request)
    lines = _check_attributes(cfg, answers)

    extras = []
    if address_string:
        extras.append(f"问题地点：{address_string}")
    if address_id:
        extras.append(f"地址编码：{address_id}")
    if lat is not None:
        extras.append(f"坐标（WGS84）：{lat},{lng}")
    extras += [f"{question}：{answer}" for question, answer in lines]
    if media_url:
        extras.append(f"图片/附件链接：{media_url}")
    content = description + ("\n\n【Open311 提交信息】\n" + "\n".join(extras) if extras else "")
    title_values = answers.get("title") or [_param(request, "title")]
    title = re.sub(r"\s+", " ", title_values[0] if title_values else "").strip()[:200]
    if HTML_LIKE.search(title):
        raise Open311Error(400, "title 不能包含 HTML 或代码")
    petitioner = {
        "name": _person_name(_param(request, "first_name"), _param(request, "last_name"))[:100],
        "phone": _param(request, "phone"),
    }
    service_type = cfg.type if cfg else Open311Service.Type.REALTIME
    reg, submission = open311_request_register(
        key=key,
        office=office,
        channel=Channel.ONLINE,
        content=content,
        title=title,
        petitioner=petitioner,
        area=area,
        category=category,
        submission={
            "service_type": service_type,
            "lat": lat,
            "long": lng,
            "address_string": address_string,
            "address_id": address_id,
            "media_url": media_url,
            "attributes": dict(answers.items()),
        },
    )
    number, query_code = reg.petition.number, petition_services.format_query_code(reg.query_code)
    doc: dict[str, Any] = {}
    if service_type == Open311Service.Type.REALTIME:
        doc["service_request_id"] = number
        notice = (
            f"{office.name}已登记，编号{number}，查询码{query_code}（请告知信访人，凭编号和查询码可在网上查询"
            f"办理进度并评价）。{selectors.SERVICE_NOTICES[Status.REGISTERED]}。"
        )
    elif service_type == Open311Service.Type.BATCH:
        doc["token"] = submission.token
        notice = (
            f"{office.name}已收到，查询码{query_code}（请告知信访人）。编号可凭 token 通过 GET tokens 取得。"
            f"{selectors.SERVICE_NOTICES[Status.REGISTERED]}。"
        )
    else:
        notice = f"{office.name}已收到，将依法处理。"
    doc["service_notice"] = notice
    doc["account_id"] = None
    return respond(fmt, "service_requests", [doc])


# ---------------------------------------------------------------- GET requests, one request, tokens


@open311_view
@require_http_methods(["GET", "HEAD"])
def token_lookup(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    submission = Open311Submission.objects.select_related("petition").filter(token=token.strip()).first()
    if submission is None:
        raise Open311Error(404, "未知的 token")
    return respond(fmt, "service_requests", [{"service_request_id": submission.petition.number, "token": token}])


def _window(request: HttpRequest, start_name: str, end_name: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    start = _w3c(_param(request, start_name), start_name)
    end = _w3c(_param(request, end_name), end_name, end=True)
    if start and end and start > end:
        raise Open311Error(400, f"{start_name} 不能晚于 {end_name}")
    return start, end


@open311_view
@require_http_methods(["GET", "HEAD"])
def request_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    area = _jurisdiction(request)
    extensions = _param(request, "extensions").lower() == "true"
    page = _int_param(request, "page", 1, 1, 1_000_000)
    page_size = _int_param(request, "page_size", DEFAULT_CAP, 1, DEFAULT_CAP)
    qs = selectors.open311_public_petitions()
    if area is not None:
        qs = qs.filter(area_path__startswith=area.path)
    ids = _list_param(request, "service_request_id")
    if ids:  # overrides every other argument (§7)
        qs = qs.filter(number__in=ids[:DEFAULT_CAP])
    else:
        start, end = _window(request, "start_date", "end_date")
        updated_after, updated_before = _window(request, "updated_after", "updated_before")
        if start and end and end - start > WINDOW:
            raise Open311Error(400, "start_date 与 end_date 的跨度不能超过90天")
        if not (start or end or updated_after or updated_before):
            end = timezone.now()
            start = end - WINDOW  # no dates: the last 90 days (§7)
        elif start and not end:
            end = start + WINDOW
        elif end and not start:
            start = end - WINDOW
        if start:
            qs = qs.filter(received_at__gte=start, received_at__lte=end)
        if updated_after:
            qs = qs.filter(updated_at__gt=updated_after)
        if updated_before:
            qs = qs.filter(updated_at__lte=updated_before)
        codes = _list_param(request, "service_code")
        if codes:
            qs = qs.filter(category__code__in=codes)
        statuses = {s.lower() for s in _list_param(request, "status")}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status 只能为 open、closed 或二者（逗号分隔）")
        if statuses == {"open"}:
            qs = qs.exclude(status__in=Status.terminal())
        elif statuses == {"closed"}:
            qs = qs.filter(status__in=Status.terminal())
    # Creation order (id): a new case is always appended, so pages stay stable while cases arrive.
    offset = (page - 1) * page_size
    rows = list(qs.order_by("id")[offset : offset + page_size])
    return respond(fmt, "service_requests", selectors.request_documents(rows, extensions=extensions))


@open311_view
@require_http_methods(["GET", "HEAD"])
def request_detail(request: HttpRequest, service_request_id: str, *, fmt: str) -> HttpResponse:
    area = _jurisdiction(request)
    qs = selectors.open311_public_petitions().filter(number=service_request_id.strip())
    if area is not None:
        qs = qs.filter(area_path__startswith=area.path)
    petition = qs.first()
    if petition is None:
        raise Open311Error(404, f"未知的 service_request_id：{service_request_id}")
    extensions = _param(request, "extensions").lower() == "true"
    return respond(fmt, "service_requests", selectors.request_documents([petition], extensions=extensions))


@open311_view
@require_http_methods(["GET", "HEAD"])
def request_updates(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """mySociety's GET servicerequestupdates (§11.6 a): the published events of public cases, filtered
    on the event time (start_date/end_date; the last 90 days by default), in event order, paged."""
    area = _jurisdiction(request)
    start, end = _window(request, "start_date", "end_date")
    if start and end and end - start > WINDOW:
        raise Open311Error(400, "start_date 与 end_date 的跨度不能超过90天")
    end = end or (start + WINDOW if start else timezone.now())
    start = start or end - WINDOW
    page = _int_param(request, "page", 1, 1, 1_000_000)
    page_size = _int_param(request, "page_size", DEFAULT_CAP, 1, DEFAULT_CAP)
    public = selectors.open311_public_petitions()
    if area is not None:
        public = public.filter(area_path__startswith=area.path)
    events = (
        Event.objects.filter(
            petition__in=public.values("pk"),
            at__gte=start,
            at__lte=end,
            action__in=[a.value for a in selectors.NOTE_TYPES],
        )
        .select_related("petition", "unit")
        .order_by("at", "id")
    )
    offset = (page - 1) * page_size
    rows = list(events[offset : offset + page_size])
    return respond(fmt, "service_request_updates", selectors.update_documents(rows))


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return error_response(fmt, 404, [(404, "没有这个 Open311 资源（格式后缀须为 .xml 或 .json）")])


@csrf_exempt
def request_list_or_create(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """/requests.{fmt}: POST creates (api_key required), GET queries (no key)."""
    if request.method == "POST":
        return request_create(request, fmt=fmt)
    return request_list(request, fmt=fmt)
