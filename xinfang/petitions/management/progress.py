"""A small progress bar on stderr (no dependency): redraws at most 5 times a second."""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    def __init__(self, *, total: int | None, stream: TextIO, enabled: bool = True, label: str = "") -> None:
        """`total=None`: the size is not known beforehand (a streamed file): show the count and the rate."""
        self.total, self.stream, self.enabled, self.label = total, stream, enabled, label
        self.done = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self.tty = bool(getattr(stream, "isatty", lambda: False)())

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        finished = self.total is not None and self.done >= self.total
        if self.enabled and (now - self._drawn >= (0.2 if self.tty else 2.0) or finished):
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        if self.total is None:
            line = f"{self.label} {self.done:,} 行 {rate:,.0f}/秒 已用{elapsed:,.0f}秒"
            self.stream.write(("\r" + line) if self.tty else line + "\n")
            self.stream.flush()
            return
        frac = min(self.done / max(self.total, 1), 1.0)
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        bar = "█" * int(frac * 30) + "░" * (30 - int(frac * 30))
        line = f"{self.label} {bar} {frac:6.1%} {self.done:,}/{self.total:,} {rate:,.0f}/秒 剩余约{eta:,.0f}秒"
        # On a terminal redraw in place; in a log, one line per redraw (at most 5 a second).
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
