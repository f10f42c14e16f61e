"""Read-only reference data: areas, units, categories, routing rules, time-limit rules."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.pagination import CursorPagination

from xinfang.accounts.models import Area, Unit
from xinfang.deadlines.models import TimeLimitRule
from xinfang.petitions.models import Category
from xinfang.routing.models import RoutingRule

from . import serializers as s

TAG = "基础数据"


def _pagination(field: str) -> type[CursorPagination]:
    class Pagination(CursorPagination):
        ordering = (field,)  # a unique column: a total order for the cursor
        page_size = 200
        page_size_query_param = "page_size"
        max_page_size = 1000

    return Pagination


def _list(model_name: str, queryset: Any, serializer: Any, field: str, summary: str) -> type[generics.ListAPIView[Any]]:
    cls = type(
        f"{model_name}ListApi",
        (generics.ListAPIView,),
        {
            "queryset": queryset,
            "serializer_class": serializer,
            "pagination_class": _pagination(field),
            "__module__": __name__,
        },
    )
    return extend_schema_view(
        get=extend_schema(tags=[TAG], operation_id=f"{model_name.lower()}s_list", summary=summary)
    )(cls)


AreaListApi = _list("Area", Area.objects.select_related("parent"), s.AreaSerializer, "code", "行政区划")
UnitListApi = _list("Unit", Unit.objects.select_related("area", "parent"), s.UnitSerializer, "code", "单位")
CategoryListApi = _list("Category", Category.objects.select_related("parent"), s.CategorySerializer, "code", "内容分类")
RoutingRuleListApi = _list(
    "RoutingRule",
    RoutingRule.objects.select_related("category", "area", "unit"),
    s.RoutingRuleSerializer,
    "id",
    "分办规则",
)
TimeLimitRuleListApi = _list("TimeLimitRule", TimeLimitRule.objects.all(), s.TimeLimitRuleSerializer, "id", "期限规则")
