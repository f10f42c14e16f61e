"""OpenAPI generation: every operation documents the error body for each status it can return,
so a contract test (schemathesis) can check errors against the schema too."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction, OpenApiResponse

ERROR_STATUSES_READ = {
    "400": "参数无效",
    "401": "未认证（缺少或无效的令牌）",
    "403": "无权执行",
    "404": "不存在或无权查看",
    "405": "不支持该请求方法",
    "406": "无法满足 Accept 头",
    "429": "请求过于频繁",
}
ERROR_STATUSES_WRITE = {
    **ERROR_STATUSES_READ,
    "409": "当前状态不能执行该操作、期限已过，或同一 Idempotency-Key 的请求仍在处理",
    "415": "不支持的请求内容类型",
    "422": "Idempotency-Key 已用于另一个不同的请求",
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        from .v1.serializers import ErrorSerializer

        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        statuses = ERROR_STATUSES_WRITE if self.method in ("POST", "PUT", "PATCH", "DELETE") else ERROR_STATUSES_READ
        for code, text in statuses.items():
            if code not in responses:
                # drf-spectacular leaves _get_response_for_code unannotated
                responses[code] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    OpenApiResponse(ErrorSerializer, description=text), code
                )
        return responses
