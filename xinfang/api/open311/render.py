"""One document model, two encodings: XML (required by GeoReport v2) and JSON by the Spark convention.

A document is built from dicts (elements with named children, in order), lists (a container of one
repeated child element; always a JSON array, even with one item or none), and scalars. None is an
empty element in XML and null in JSON; booleans are lowercase true/false in XML.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
FORMATS = ("xml", "json")

# Container element → its repeated child element.
LIST_CHILD = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
    "groups": "group",
    "service_request_updates": "request_update",
}

# Characters XML 1.0 cannot carry at all, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(value: str) -> str:
    return _INVALID_XML.sub("", value)


def _scalar_xml(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(clean_text(str(value)))


def _element(name: str, value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append(f"<{name}>")
        for key, child in value.items():
            _element(key, child, out)
        out.append(f"</{name}>")
    elif isinstance(value, list | tuple):
        child_name = LIST_CHILD[name]
        if not value:
            out.append(f"<{name}/>")
            return
        out.append(f"<{name}>")
        for item in value:
            _element(child_name, item, out)
        out.append(f"</{name}>")
    elif value is None or value == "":
        out.append(f"<{name}/>")
    else:
        out.append(f"<{name}>{_scalar_xml(value)}</{name}>")


def to_xml(root: str, document: Any) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>\n']
    _element(root, document, out)
    return "".join(out) + "\n"


def _json_clean(value: Any) -> Any:
    if isinstance(value, Promise):  # a lazily translated label
        value = str(value)
    if isinstance(value, dict):
        return {k: _json_clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_clean(v) for v in value]
    if isinstance(value, str):
        return clean_text(value) or None  # an empty element is null (Spark)
    return value


def to_json(document: Any) -> str:
    return json.dumps(_json_clean(document), ensure_ascii=False)


def respond(fmt: str, root: str, document: Any, *, status: int = 200) -> HttpResponse:
    """`root` is the XML root element; in JSON a list document is the array itself (Spark)."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, document).encode("utf-8"), content_type=XML_TYPE, status=status)
    return HttpResponse(to_json(document).encode("utf-8"), content_type=JSON_TYPE, status=status)


def error_response(fmt: str, status: int, errors: list[tuple[int, str]]) -> HttpResponse:
    document = [{"code": code, "description": description} for code, description in errors]
    return respond(fmt if fmt in FORMATS else "xml", "errors", document, status=status)


def edge_refusal(request: HttpRequest, status: int, message: str, field: str) -> HttpResponse:
    """core.edge's refusal in GeoReport v2's error shape, in the format the path asks for."""
    fmt = "json" if request.path_info.lower().endswith(".json") else "xml"
    return error_response(fmt, status, [(status, message)])
