"""gunicorn.conf.py (read by `gunicorn config.wsgi` from the checkout): a worker that has loaded the
application imports every view and freezes what is then alive out of the collector's generations."""

from __future__ import annotations

import gc
import runpy
import sys
from pathlib import Path

from django.conf import settings


def test_a_worker_freezes_the_loaded_program_after_importing_every_view() -> None:
    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        conf["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000
        assert "xinfang.statistics.views" in sys.modules  # through the URLconf
    finally:
        gc.unfreeze()
