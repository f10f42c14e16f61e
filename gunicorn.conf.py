"""gunicorn's settings for xinfang, read from the working directory (`gunicorn config.wsgi` run in the
checkout: production's systemd unit, docs/operations.md, and bench/http_bench.py). Command-line options
(workers, bind, timeout) still come from the command.

One setting of the Python runtime, documented in the `gc` module for pre-fork servers: once a worker has
loaded the application, its URLconf and with it every view module, `gc.freeze()` moves the objects then
alive (modules, classes, functions, compiled templates' code: about 200,000 in a worker) out of the
collector's generations. The collector's full passes then walk only what requests left alive since, not
the whole program: on a 1M-case database a full pass in the middle of the city's 统计分析 page cost
about 90 ms there, and came every few pages (docs/performance.md, "Python's collector"). Nothing is
collected any less: frozen objects are the program itself, which lives as long as the worker.
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every app's views, and what they import)
    gc.collect()
    gc.freeze()
