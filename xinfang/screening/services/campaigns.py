"""Campaigns (专项攻坚), their 指挥部, and the uploaded jurisdiction maps."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Area, Role, Unit
from xinfang.core.audit import audit_record
from xinfang.core.errors import NotPermitted, ValidationFailed
from xinfang.petitions.access import can_see
from xinfang.petitions.models import Petition

from ..access import MANAGE_ROLES
from ..models import AreaMap, Campaign, CampaignMember
from ._common import require


def can_manage_area(user: Any, area: Area) -> bool:
    """The 信访部门 (its managing posts) or a leader whose area contains `area`."""
    ctx = actor_context(user)
    if ctx.is_superuser or Role.ADMIN in ctx.all_roles:
        return True
    for unit in ctx.units.values():
        roles = ctx.roles_in(unit.pk)
        if not area.path.startswith(unit.area.path):
            continue
        if (unit.kind == Unit.Kind.XINFANG and roles & MANAGE_ROLES) or Role.LEADER in roles:
            return True
    return False


def _percent(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("请填写0到100之间的百分数", field=field) from None
    if not Decimal(0) <= number <= Decimal(100):
        raise ValidationFailed("请填写0到100之间的百分数", field=field)
    return number


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    name: str,
    office: Unit,
    area: Area,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
    target_first: Any = 90,
    target_repeat: Any = 80,
    target_old: Any = 70,
    units: list[Unit] | None = None,
) -> Campaign:
    if not can_manage_area(actor, area):
        raise NotPermitted("只有本级信访部门或领导可以部署专项攻坚")
    name = require(name, "请填写攻坚名称", "name", max_length=100)
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", field="ends_on")
    campaign = Campaign.objects.create(
        name=name,
        office=office,
        area=area,
        starts_on=starts_on,
        ends_on=ends_on,
        description=(description or "").strip(),
        target_first=_percent(target_first, "target_first"),
        target_repeat=_percent(target_repeat, "target_repeat"),
        target_old=_percent(target_old, "target_old"),
    )
    if units:
        campaign.units.set(units)
    audit_record(actor=actor, action="campaign.create", target=campaign, unit_id=office.pk, data={"name": name})
    return campaign


@transaction.atomic
def campaign_add_member(*, actor: Any, campaign: Campaign, user: Any, role: str, group: str = "") -> CampaignMember:
    if not can_manage_area(actor, campaign.area):
        raise NotPermitted("只有本级信访部门或领导可以调整指挥部")
    if role not in CampaignMember.Role.values:
        raise ValidationFailed("职务无效", field="role")
    group = (group or "").strip()[:50]
    if role in (CampaignMember.Role.GROUP_LEAD, CampaignMember.Role.GROUP_MEMBER) and not group:
        raise ValidationFailed("工作组成员须填写所在工作组", field="group")
    member, _created = CampaignMember.objects.get_or_create(campaign=campaign, user=user, role=role, group=group)
    audit_record(
        actor=actor, action="campaign.member", target=campaign, data={"user": user.pk, "role": role, "group": group}
    )
    return member


@transaction.atomic
def campaign_add_petitions(*, actor: Any, campaign: Campaign, petitions: list[Petition]) -> int:
    if not can_manage_area(actor, campaign.area):
        raise NotPermitted("只有本级信访部门或领导可以调整攻坚范围")
    ok = [p for p in petitions if can_see(actor, p) and p.area_path.startswith(campaign.area.path)]
    if len(ok) != len(petitions):
        raise ValidationFailed("部分信访事项不在攻坚范围内或无权查看", field="petitions")
    campaign.petitions.add(*ok)
    audit_record(actor=actor, action="campaign.petitions", target=campaign, data={"numbers": [p.number for p in ok]})
    return len(ok)


MAX_GEOJSON_BYTES = 20 * 1024 * 1024


def geojson_check(raw: bytes | str, *, area: Area) -> tuple[dict[str, Any], list[str]]:
    """Parse and check an uploaded FeatureCollection: polygons whose `code`/`adcode` property is an area
    under `area`. Returns the document and the codes it maps; a clear Chinese message otherwise."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_GEOJSON_BYTES:
            raise ValidationFailed("地图文件过大（不超过20MB）", field="file")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed("地图文件须为 UTF-8 编码的 GeoJSON", field="file") from None
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"不是有效的 GeoJSON（第{exc.lineno}行：{exc.msg}）", field="file") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise ValidationFailed("GeoJSON 须为 FeatureCollection（要素集合）", field="file")
    known = set(Area.objects.filter(path__startswith=area.path).values_list("code", flat=True))
    codes: list[str] = []
    problems: list[str] = []
    for i, feature in enumerate(doc["features"], start=1):
        props = (feature or {}).get("properties") or {}
        code = str(props.get("code") or props.get("adcode") or "").strip()
        geometry = (feature or {}).get("geometry") or {}
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            problems.append(f"第{i}个要素不是面（Polygon/MultiPolygon）")
        elif code not in known:
            problems.append(f"第{i}个要素的区划代码“{code}”不在{area.name}的区划内（properties.code）")
        else:
            props["code"] = code
            codes.append(code)
    if problems:
        raise ValidationFailed({"file": problems[:20]})
    if not codes:
        raise ValidationFailed("地图文件中没有要素", field="file")
    return doc, codes


@transaction.atomic
def area_map_upload(*, actor: Any, area: Area, raw: bytes | str) -> AreaMap:
    """An office uploads its jurisdiction's township boundaries (replacing the previous file)."""
    if not can_manage_area(actor, area):
        raise NotPermitted("只有本级信访部门可以上传辖区地图")
    doc, codes = geojson_check(raw, area=area)
    area_map, _created = AreaMap.objects.update_or_create(
        area=area, defaults={"geojson": doc, "feature_count": len(codes), "uploaded_by": actor}
    )
    audit_record(
        actor=actor, action="screening.map_upload", target=area_map, data={"area": area.code, "features": len(codes)}
    )
    return area_map
