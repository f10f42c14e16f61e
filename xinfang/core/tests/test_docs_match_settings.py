"""What the README tells an office about the rules matches what the code does (issue 15)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

README = Path(settings.BASE_DIR) / "README.md"


def test_readme_group_visit_headcount_is_the_configured_threshold():
    text = README.read_text(encoding="utf-8")
    claims = re.findall(r"(\d+)\s*人(及以上|以上)?即为集体访", text)
    assert claims, "README no longer says from how many people a visit is a 集体访"
    for number, at_least in claims:
        assert int(number) == settings.XINFANG_GROUP_VISIT_THRESHOLD
        # services.petition_register: headcount >= threshold, so the threshold itself counts
        assert at_least == "及以上"
