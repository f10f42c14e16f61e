"""Helpers every staff view shares: the client address, the staff-only decorator, domain errors on forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from xinfang.accounts.access import actor_context
from xinfang.core.errors import DomainError, ValidationFailed


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Logged-in staff with at least one post (岗位); others get 403."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ctx = actor_context(request.user)
        if not ctx.roles_by_unit and not ctx.is_superuser:
            raise PermissionDenied("您的账号尚未分配岗位")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Put a service's Chinese message on the right field (or the whole form)."""
    errors = exc.errors if isinstance(exc, ValidationFailed) else {exc.field or "__all__": [exc.message]}
    for field, msgs in errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


# ---------------------------------------------------------------- lists


# The columns of petitions/_rows.html: a list page loads these and nothing else (no content, no sealed
# personal data), and gets its labels from dicts instead of get_FOO_display() per cell.
