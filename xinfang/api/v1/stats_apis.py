"""GET /api/v1/stats/: the figures of the 统计分析 page, with the same filters and the same access."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.statistics import figures, page

PARAMETERS = [
    OpenApiParameter(
        "period",
        str,
        description="期间类型：month（默认）、quarter、year、custom",
        enum=["month", "quarter", "year", "custom"],
    ),
    OpenApiParameter("value", str, description="月 2026-03、季度 2026-Q1、年 2026；空为当前月/季/年"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="自定义期间起始日（含）"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="自定义期间截止日（含）"),
    OpenApiParameter("area", str, description="问题属地区划代码（含下级）"),
    OpenApiParameter("unit", str, description="承办单位编码（含下级）"),
]


class StatsApi(APIView):
    @extend_schema(
        tags=["统计分析"],
        operation_id="stats_retrieve",
        summary="统计数据（三率/四率、信访量、各单位）",
        description=(
            "与统计分析页面相同的口径和权限：只统计调用方可见的信访事项。比率为0–1的小数，分母为0时为null；"
            "indicators 给出每项指标的分子、分母与各栏目件数；by_unit 为各承办单位（及信访部门）的指标。"
        ),
        parameters=PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        req = page.parse(request.user, request.query_params)
        body: dict[str, Any] = figures.summary(req.scope, req.period, today=req.today)
        body["as_of"] = req.today.isoformat()
        return Response(body)
