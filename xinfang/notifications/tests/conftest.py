from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def sms_log(settings, tmp_path):
    """Each test's log backend writes its own file."""
    settings.XINFANG_SMS_LOG_FILE = tmp_path / "sms.log"
    settings.XINFANG_SMS_BACKEND = "log"
    return tmp_path / "sms.log"


def log_lines(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []
