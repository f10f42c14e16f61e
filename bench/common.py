"""What every part of the benchmark shares: the checkout, the venv, the field key, logging, percentiles.

Importing it puts the checkout first on sys.path, so that `config` and `xinfang` are this checkout's.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
BENCH_KEY = "YmVuY2gta2V5LWZvci14aW5mYW5nLWJlbmNobWFya3M="  # 32 bytes, benchmarks only


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100
    f = int(k)
    return s[f] if f + 1 >= len(s) else s[f] + (s[f + 1] - s[f]) * (k - f)
