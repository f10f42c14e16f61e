"""Choice labels (状态, 信访形式, 期限 …) from a cache per language.

What `get_FOO_display()` gives, without its cost: Django's builds a dict of every choice, translating
each lazy label, on every call -- for a list page's 50 rows × 3 columns a third of the page's time, and
a third of building a registration's API answer (docs/performance.md).
"""

from __future__ import annotations

from functools import lru_cache

from django.db import models
from django.utils.translation import get_language


@lru_cache(maxsize=1024)
def _label(choices: type[models.TextChoices], value: str, language: str | None) -> str:
    try:
        return str(choices(value).label)
    except ValueError:  # not one of the choices: the value itself, as get_FOO_display gives it
        return value


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    return _label(choices, value, get_language())
