from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from xinfang.deadlines.models import CalendarYear

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("deadline_calc", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    data: dict[str, Any] = json.loads(lines[0])
    return data


def test_deadline_calc_prints_one_json_object() -> None:
    data = run("--rule", "transfer", "--start", "2026-09-25")
    assert data == {
        "rule": "transfer",
        "start": "2026-09-25",
        "due": "2026-10-10",
        "estimated": False,
        "basis": "自2026年9月25日次日起算15日，《信访工作条例》第二十二条；2026年10月10日为调休工作日",
    }


def test_deadline_calc_estimated_and_unescaped() -> None:
    out = StringIO()
    call_command("deadline_calc", "--rule", "objection", "--start", "2026-12-28", stdout=out)
    assert "预计" in out.getvalue()  # ensure_ascii=False
    assert json.loads(out.getvalue())["estimated"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rule", "nope", "--start", "2026-09-25"), "未知的期限规则"),
        (("--rule", "handle", "--start", "2026-02-30"), "日期格式错误"),
        (("--rule", "handle", "--start", "2026-09-01", "--area", "000000"), "未知的区划代码"),
    ],
)
def test_deadline_calc_errors_exit_2(args, message) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("deadline_calc", *args)
    assert exc.value.returncode == 2
    assert message in str(exc.value)


def test_deadline_calc_process_exit_status() -> None:
    """Through manage.py: CommandError(returncode=2) becomes the exit status, the message goes to stderr.
    A bad date fails before any database access, so the child process needs no test database."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    proc = subprocess.run(
        [sys.executable, "manage.py", "deadline_calc", "--rule", "handle", "--start", "2026-9-31"],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert proc.returncode == 2
    assert "日期格式错误" in proc.stderr
    assert proc.stdout == ""


def test_calendar_check(time_machine) -> None:
    call_command("calendar_check", "--on", "2026-11-30", stdout=StringIO())
    with pytest.raises(CommandError) as exc:
        call_command("calendar_check", "--on", "2026-12-01")
    assert exc.value.returncode == 1
    assert "2027年" in str(exc.value)
    CalendarYear.objects.create(year=2027, source="国务院办公厅通知")
    call_command("calendar_check", "--on", "2026-12-01", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("calendar_check", "--on", "2028-03-01")
