"""`{% download_url "attachment" a.pk %}`: a short-lived signed link (petitions.downloads)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.urls import reverse

from ..downloads import download_token

register = template.Library()

ROUTES: dict[str, tuple[str, Callable[[int, Any], list[Any]]]] = {
    "attachment": ("petitions:attachment", lambda pk, extra: [pk]),
    "document": ("petitions:documents-download", lambda pk, extra: [extra, pk]),
    "portal_document": ("portal:case-document", lambda pk, extra: [extra, pk]),
}


@register.simple_tag(takes_context=True)
def download_url(context: dict[str, Any], kind: str, pk: int, extra: Any = None) -> str:
    """`extra`: the case's id (staff documents) or number (portal documents)."""
    request = context["request"]
    name, args = ROUTES[kind]
    portal_number = str(extra) if kind == "portal_document" else ""
    if portal_number and not request.session.session_key:
        request.session.save()
    token = download_token(request, kind, int(pk), portal_number=portal_number)
    return f"{reverse(name, args=args(pk, extra))}?t={token}"
