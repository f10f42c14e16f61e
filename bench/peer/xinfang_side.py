"""xinfang's side of bench/peer/peer.py: its preparation (bench/run.py on the xinfang database) and the child
measurement (under the project's .venv with config.settings.dev); Django is imported only in the child."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from peer_common import CONTENT, ROOT, TITLE, measure, system_env


def xinfang_child(n: int, repeat: int, keyword: str, who: str = "dispatcher") -> dict[str, Any]:
    """As bench/ab_inprocess.py `child`: bench/run.py's Setup, an API token of the office, Intake._person().
    `who`: whose list and search (the county dispatcher, or the city supervisor of bench/run.py's Setup)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from ab_inprocess import api_registration, django_for  # type: ignore[import-not-found]

    bench = django_for(ROOT)
    import django
    from django.db import connection
    from django.test import Client

    from xinfang.petitions import selectors
    from xinfang.petitions.models import Petition

    s = bench.Setup()
    # A fresh petitioner each time, run after run.
    create = api_registration(bench, s, name="peer", content=CONTENT, title=TITLE, first=time.time_ns() % 1_000_000_000)
    staff = Client()
    reader = s.dispatcher if who == "dispatcher" else s.supervisor
    staff.force_login(reader)

    list_url = f"/staff/petitions/?status={s.list_status}&area={s.county.code}"
    search_url = f"/staff/petitions/?q={quote(keyword)}"
    before = Petition.objects.count()
    out = measure(
        connection,
        {
            "create": create,
            "list_filtered": lambda: staff.get(list_url).status_code,
            "search": lambda: staff.get(search_url).status_code,
        },
        {"create": n, "list_filtered": repeat, "search": repeat},
    )
    out["rows"] = {
        "list_filtered": selectors.petition_list(user=reader, status=s.list_status, area=s.county.code).count(),
        "search": selectors.petition_list(user=reader, q=keyword).count(),
    }
    out["cases_before"] = before
    import rest_framework

    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    out["versions"] = {
        "django": django.get_version(),
        "djangorestframework": rest_framework.VERSION,
        "xinfang": head.stdout.strip(),
        "reader": who,
        "database": f"{connection.vendor} {getattr(connection, 'pg_version', '')}",
    }
    return out


def prepare_xinfang(url: str, count: int) -> None:
    """bench/run.py --count N --keep --skip-http --import-rows 0 on `url`, leaving bench/results/latest.json and
    var/bench/codes.json (other people's) as they were."""
    keep = [ROOT / "bench" / "results" / "latest.json", ROOT / "var" / "bench" / "codes.json"]
    backup = Path(tempfile.mkdtemp(prefix="peer-xinfang."))
    saved = {p: backup / f"{i}" for i, p in enumerate(keep) if p.exists()}
    for p, b in saved.items():
        shutil.copy2(p, b)
    try:
        python, cwd, env = system_env("xinfang", url)
        cmd = [*python, "bench/run.py", "--count", str(count), "--keep", "--skip-http", "--import-rows", "0"]
        print("xinfang:", " ".join(cmd), flush=True)
        subprocess.run(cmd, cwd=cwd, env=env, check=True)
    finally:
        for p in keep:
            if p in saved:
                shutil.copy2(saved[p], p)
            elif p.exists():
                p.unlink()
        shutil.rmtree(backup, ignore_errors=True)
