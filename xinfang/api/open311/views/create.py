"""POST requests: a new service request, with the key, its attributes and the person checked, through the service."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Channel
from xinfang.petitions.workflow import Status

from ...models import Open311Attribute, Open311Key, Open311Service
from ...services import credential_lookup, credential_touch, open311_request_register
from .. import selectors
from ..render import respond
from .common import (
    ATTRIBUTE_KEY,
    CJK,
    HTML_LIKE,
    MAX_DESCRIPTION,
    Open311Error,
    jurisdiction_param,
    open311_view,
    param,
    w3c,
)
from .services import category_by_code


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
                when = w3c(values[0], f"attribute[{attr.code}]")
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
    jurisdiction = jurisdiction_param(request)
    office = key.unit
    area = office.area
    if jurisdiction is not None:
        if not jurisdiction.path.startswith(office.area.path):
            raise Open311Error(
                400, f"该 api_key 绑定的{office.name}不能登记 {jurisdiction.code}（{jurisdiction.name}）的事项"
            )
        area = jurisdiction
    code = param(request, "service_code")
    if not code:
        raise Open311Error(400, "缺少 service_code")
    category = category_by_code(code)
    cfg = Open311Service.objects.filter(category=category).first()
    lat_raw, long_raw = param(request, "lat"), param(request, "long")
    if bool(lat_raw) != bool(long_raw):
        raise Open311Error(400, "lat 和 long 必须同时提供")
    lat, lng = _coordinate(lat_raw, "lat", 90), _coordinate(long_raw, "long", 180)
    address_string, address_id = param(request, "address_string"), param(request, "address_id")
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
    media_url = param(request, "media_url")
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
    title_values = answers.get("title") or [param(request, "title")]
    title = re.sub(r"\s+", " ", title_values[0] if title_values else "").strip()[:200]
    if HTML_LIKE.search(title):
        raise Open311Error(400, "title 不能包含 HTML 或代码")
    petitioner = {
        "name": _person_name(param(request, "first_name"), param(request, "last_name"))[:100],
        "phone": param(request, "phone"),
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
