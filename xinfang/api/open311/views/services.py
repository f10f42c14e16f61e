"""Discovery and the service list/definitions (categories with their Open311 attributes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from xinfang.petitions.models import Category

from ...models import Open311Attribute, Open311Service
from ..render import respond
from .common import (
    SPEC_URL,
    Open311Error,
    changeset_stamp,
    jurisdiction_param,
    open311_view,
)


@open311_view
@require_http_methods(["GET", "HEAD"])
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    changeset = changeset_stamp()
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
    jurisdiction_param(request)
    configs = _service_configs()
    categories = Category.objects.filter(active=True).select_related("parent").order_by("sort_order", "code")
    return respond(fmt, "services", [_service_document(c, configs.get(c.pk)) for c in categories])


def category_by_code(code: str) -> Category:
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
    jurisdiction_param(request)
    category = category_by_code(service_code)
    cfg = Open311Service.objects.filter(category=category).first()
    attributes = list(cfg.attributes.order_by("order", "id")) if cfg else []
    document = {"service_code": category.code, "attributes": [_attribute_document(a) for a in attributes]}
    return respond(fmt, "service_definition", document)


# ---------------------------------------------------------------- POST a request
