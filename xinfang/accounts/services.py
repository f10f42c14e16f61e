"""Writes for areas, units and users. Paths are kept here, never in save()."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import transaction

from xinfang.core.audit import audit_record
from xinfang.core.errors import ValidationFailed
from xinfang.core.validators import is_ascii_digits

from .models import Area, Membership, Role, Unit, User
from .signals import areas_moved, units_moved


def _area_path(code: str, parent: Area | None) -> str:
    return (parent.path if parent else "/") + f"{code}/"


@transaction.atomic
def area_upsert(*, code: str, name: str, level: int, parent: Area | None = None, population: int = 0) -> Area:
    code = code.strip()
    if not is_ascii_digits(code):
        raise ValidationFailed("区划代码只能由数字组成", field="code")
    old_path = Area.objects.filter(code=code).values_list("path", flat=True).first()
    area, _ = Area.objects.update_or_create(
        code=code,
        defaults={
            "name": name.strip(),
            "level": level,
            "parent": parent,
            "path": _area_path(code, parent),
            "population": population,
        },
    )
    if old_path is not None and old_path != area.path:
        area_refresh_paths(area=area)  # moved: children and the cases' copies follow
    return area


@transaction.atomic
def unit_upsert(
    *, code: str, name: str, kind: str, area: Area, parent: Unit | None = None, short_name: str = ""
) -> Unit:
    if kind not in Unit.Kind.values:
        raise ValidationFailed(f"未知的单位类别：{kind}", field="kind")
    unit, _created = Unit.objects.update_or_create(
        code=code.strip(),
        defaults={"name": name.strip(), "kind": kind, "area": area, "parent": parent, "short_name": short_name},
        create_defaults={
            "name": name.strip(),
            "kind": kind,
            "area": area,
            "parent": parent,
            "short_name": short_name,
            "path": "pending",
        },
    )
    unit_refresh_paths(unit=unit)
    return unit


def unit_refresh_paths(*, unit: Unit) -> None:
    """Recompute the materialised path of a unit and its whole subtree (after a move). Apps that keep
    copies of those paths (cases, for fast scoping) follow through the `units_moved` signal."""
    old = Unit.objects.filter(pk=unit.pk).values_list("path", flat=True).first()
    new = (unit.parent.path if unit.parent_id and unit.parent else "/") + f"{unit.pk}/"
    unit.path = new
    if old == new:
        return
    ids = _refresh_unit_subtree(unit)
    units_moved.send(sender=Unit, unit_ids=ids)


def _refresh_unit_subtree(unit: Unit) -> list[int]:
    unit.path = (unit.parent.path if unit.parent_id and unit.parent else "/") + f"{unit.pk}/"
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)
    ids = [unit.pk]
    for child in Unit.objects.filter(parent=unit):
        ids += _refresh_unit_subtree(child)
    return ids


def area_refresh_paths(*, area: Area) -> None:
    ids = _refresh_area_subtree(area)
    areas_moved.send(sender=Area, area_ids=ids)


def _refresh_area_subtree(area: Area) -> list[int]:
    area.path = _area_path(area.code, area.parent)
    Area.objects.filter(pk=area.pk).update(path=area.path)
    ids = [area.pk]
    for child in Area.objects.filter(parent=area):
        ids += _refresh_area_subtree(child)
    return ids


@transaction.atomic
def user_create(
    *, username: str, password: str, full_name: str, unit: Unit, roles: list[str], actor: Any = None
) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    for role in roles:
        if role not in Role.values:
            raise ValidationFailed(f"未知的角色：{role}", field="roles")
        Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit_record(actor=actor or "系统", action="user.create", target=user, unit_id=unit.pk, data={"roles": roles})
    return user


LEVELS = {
    "省": 1,
    "市": 2,
    "县": 3,
    "县区": 3,
    "区": 3,
    "乡镇": 4,
    "乡镇街道": 4,
    "街道": 4,
    "村": 5,
    "村社区": 5,
    "社区": 5,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "5": 5,
}
KINDS = {str(label): value for value, label in Unit.Kind.choices} | {v: v for v in Unit.Kind.values}


def _read_csv(data: bytes) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="strict")
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]


@transaction.atomic
def areas_import_csv(*, data: bytes, actor: Any = None) -> int:
    """Columns: 区划代码, 名称, 层级 (省/市/县区/乡镇街道/村社区 or 1-5), 上级代码. All or nothing."""
    rows = _read_csv(data)
    errors: dict[str, list[str]] = {}
    count = 0
    for i, row in enumerate(rows, start=2):
        code, name, level = row.get("区划代码", ""), row.get("名称", ""), LEVELS.get(row.get("层级", ""))
        parent_code = row.get("上级代码", "")
        if not code or not name or level is None:
            errors.setdefault(f"第{i}行", []).append(
                "区划代码、名称、层级都必须填写，层级须为省/市/县区/乡镇街道/村社区"
            )
            continue
        parent = Area.objects.filter(code=parent_code).first() if parent_code else None
        if parent_code and parent is None:
            errors.setdefault(f"第{i}行", []).append(f"上级代码 {parent_code} 不存在（上级须排在前面）")
            continue
        area_upsert(code=code, name=name, level=level, parent=parent)
        count += 1
    if errors:
        raise ValidationFailed(errors)
    audit_record(actor=actor or "系统", action="area.import", data={"rows": count})
    return count


@transaction.atomic
def units_import_csv(*, data: bytes, actor: Any = None) -> int:
    """Columns: 单位编码, 单位名称, 类别, 区划代码, 上级单位编码. All or nothing."""
    rows = _read_csv(data)
    errors: dict[str, list[str]] = {}
    count = 0
    for i, row in enumerate(rows, start=2):
        code, name, kind = row.get("单位编码", ""), row.get("单位名称", ""), KINDS.get(row.get("类别", ""))
        area = Area.objects.filter(code=row.get("区划代码", "")).first()
        parent_code = row.get("上级单位编码", "")
        parent = Unit.objects.filter(code=parent_code).first() if parent_code else None
        problems = []
        if not code or not name:
            problems.append("单位编码和单位名称必须填写")
        if kind is None:
            problems.append(
                f"类别“{row.get('类别', '')}”无效，应为：" + "、".join(str(label) for label in Unit.Kind.labels)
            )
        if area is None:
            problems.append(f"区划代码“{row.get('区划代码', '')}”不存在")
        if parent_code and parent is None:
            problems.append(f"上级单位编码 {parent_code} 不存在（上级须排在前面）")
        if problems:
            errors[f"第{i}行"] = problems
            continue
        assert kind is not None and area is not None
        unit_upsert(code=code, name=name, kind=kind, area=area, parent=parent)
        count += 1
    if errors:
        raise ValidationFailed(errors)
    audit_record(actor=actor or "系统", action="unit.import", data={"rows": count})
    return count
