"""API personas: one token per role, issued through the real service (own service user per token)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from xinfang.accounts.models import Role
from xinfang.api import services as api_services
from xinfang.api.models import ApiToken

# who → (unit attribute of the test Org, roles)
TOKEN_SPECS: dict[str, tuple[str, list[str]]] = {
    "clerk": ("county_office", [Role.CLERK]),
    "dispatcher": ("county_office", [Role.CLERK, Role.DISPATCHER]),
    "handler": ("municipal", [Role.HANDLER]),
    "head": ("municipal", [Role.HEAD]),
    "reviewer": ("county_gov", [Role.HANDLER, Role.HEAD]),
    "city_reviewer": ("city_gov", [Role.HANDLER, Role.HEAD]),
    "outsider": ("taikang_housing", [Role.HANDLER]),
    "city_office": ("city_office", [Role.CLERK, Role.DISPATCHER]),
}


class Tokens:
    def __init__(self, personas: Any) -> None:
        self.personas = personas
        self.raw: dict[str, str] = {}
        self.tokens: dict[str, ApiToken] = {}

    def issue(self, who: str) -> str:
        if who not in self.raw:
            unit_attr, roles = TOKEN_SPECS[who]
            issued = api_services.api_token_create(
                name=f"test-{who}", unit=getattr(self.personas.org, unit_attr), roles=list(roles)
            )
            self.raw[who] = issued.raw
            self.tokens[who] = issued.credential  # type: ignore[assignment]
        return self.raw[who]

    def client(self, who: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {self.issue(who)}")
        return client

    def user(self, who: str) -> Any:
        self.issue(who)
        return self.tokens[who].user


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    for alias in ("default", "local"):
        caches[alias].clear()
    yield
    for alias in ("default", "local"):
        caches[alias].clear()


@pytest.fixture
def tokens(personas) -> Tokens:
    return Tokens(personas)


REGISTER_BODY: dict[str, Any] = {
    "channel": "letter",
    "petitioner": {
        "name": "王大爷",
        "id_number": "11010519491231002X",
        "phone": "13812345678",
        "address": "扶沟县建设街12号",
    },
    "headcount": 1,
    "area_code": "411621",
    "category_code": "602015",
    "purpose": "601003",
    "title": "建设街窨井盖破损",
    "content": "建设街与棉麻一场交叉口的窨井盖破损，老人小孩夜间经过很危险，请尽快修复。",
}


@pytest.fixture
def register_body() -> dict[str, Any]:
    import copy

    return copy.deepcopy(REGISTER_BODY)


from xinfang.api.tests.open311_util import o311_key, o311_services  # noqa: E402, F401 - shared fixtures
