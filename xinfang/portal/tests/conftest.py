"""Portal test helpers: a clean throttle cache, media in a temp folder, and a browser that unlocked a case."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from xinfang.petitions import services
from xinfang.petitions.tests.factories import register


@pytest.fixture(autouse=True)
def _clean_cache_and_media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def strip_csrf(html: str) -> str:
    """CSRF tokens are masked afresh on every render; everything else must match."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def unlock(client: Client, reg: services.Registration) -> None:
    """What a citizen does: number + 查询码 on the lookup page."""
    response = client.post(reverse("portal:lookup"), {"number": reg.petition.number, "code": reg.query_code})
    assert response.status_code == 302, response.content.decode()


@pytest.fixture
def registered_case(personas: Any) -> services.Registration:
    return register(personas.clerk)
