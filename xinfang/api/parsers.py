"""The API's JSON parser: DRF's, with a nesting limit. No request the API accepts is nested more than a
few levels; a body nested thousands deep made the decoder raise RecursionError (a 500)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32
DEPTH_MESSAGE = f"请求内容的 JSON 嵌套层数过多（不能超过{MAX_DEPTH}层）"


def nesting_depth(data: Any, *, stop_above: int) -> int:
    """Containers nested in `data` (a scalar is 0), counted without recursion; stops early once the
    depth passes `stop_above`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > stop_above:
            break
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(DEPTH_MESSAGE) from None
        if nesting_depth(data, stop_above=MAX_DEPTH) > MAX_DEPTH:
            raise ParseError(DEPTH_MESSAGE)
        return data
