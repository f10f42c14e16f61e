"""The 月报/季报's charts drawn on the server (matplotlib, Agg: no display) as PNG: the same series the
page's ECharts draw, from the same figures. Chinese labels need a CJK font: the Noto CJK fonts
(fonts-noto-cjk) where installed, else any font matplotlib knows with CJK glyphs; without one the
charts are still drawn, with the labels in the default font (a warning in the log, once)."""

from __future__ import annotations

import io
import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display on a server

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

log = logging.getLogger(__name__)

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto-cjk")
FONT_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSerifCJK-Regular.ttc")
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei")
COLORS = ["#c23531", "#2f4554", "#61a0a8", "#d48265", "#91c7ae", "#749f83", "#ca8622", "#bda29a", "#6e7074"]
_lock = threading.Lock()  # matplotlib's font cache and text layout are not thread-safe


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, or None (the labels then fall back, with a warning)."""
    for folder in FONT_DIRS:
        for name in FONT_FILES:
            path = Path(folder) / name
            if path.exists():
                try:  # a .ttc registers each of its faces (SC, TC, JP …) under its own family name
                    font_manager.fontManager.addfont(str(path))
                except (OSError, RuntimeError, ValueError):
                    continue
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    log.warning("未找到中文字体（如 fonts-noto-cjk），统计报告图表中的中文可能无法显示")
    return None


def _figure(width: float = 16, height: float = 8) -> Figure:
    fig = Figure(figsize=(width / 2.54, height / 2.54), dpi=150)
    return fig


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight")
    return out.getvalue()


def _style() -> Any:  # rc_context wants its literal keys; a plain dict is what it gets
    font = cjk_font()
    return {"font.family": [font] if font else ["DejaVu Sans"], "font.size": 8, "axes.unicode_minus": False}


def trend_chart(trend: list[dict[str, Any]]) -> bytes:
    """Month by month: 批次 and 人次 (lines), 重复信访 and 越级访 (bars)."""
    with _lock, matplotlib.rc_context(_style()):
        fig = _figure()
        ax = fig.add_subplot()
        months = [t["month"][2:] for t in trend]
        x = list(range(len(months)))
        ax.bar([i - 0.2 for i in x], [t["repeat"] for t in trend], 0.4, label="重复信访", color=COLORS[2])
        ax.bar([i + 0.2 for i in x], [t["skip_level"] for t in trend], 0.4, label="越级访", color=COLORS[3])
        ax.plot(x, [t["received"] for t in trend], marker="o", label="批次", color=COLORS[0])
        ax.plot(x, [t["persons"] for t in trend], marker="s", label="人次", color=COLORS[1])
        ax.set_xticks(x, months)
        ax.set_ylabel("件（人）次")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, 1.15), frameon=False)
        return _png(fig)


def bar_chart(rows: list[dict[str, Any]], *, top: int = 10) -> bytes:
    """批次 by group (内容分类, 承办单位 …), the largest first, horizontal."""
    rows = rows[:top]
    with _lock, matplotlib.rc_context(_style()):
        fig = _figure(16, max(4, 1 + 0.7 * len(rows)))
        ax = fig.add_subplot()
        names = [r["name"] for r in rows][::-1]
        values = [r["batches"] for r in rows][::-1]
        bars = ax.barh(names or ["（无）"], values or [0], color=COLORS[0])
        ax.bar_label(bars, padding=2)
        ax.set_xlabel("批次")
        ax.grid(axis="x", alpha=0.3)
        return _png(fig)


def pie_chart(rows: list[dict[str, Any]]) -> bytes:
    """Shares of 批次 (信访形式)."""
    rows = [r for r in rows if r["batches"]]
    with _lock, matplotlib.rc_context(_style()):
        fig = _figure(12, 8)
        ax = fig.add_subplot()
        if rows:
            ax.pie(
                [r["batches"] for r in rows],
                labels=[f"{r['name']} {r['batches']}" for r in rows],
                autopct="%1.1f%%",
                colors=COLORS[: len(rows)],
                startangle=90,
                counterclock=False,
            )
        else:
            ax.text(0.5, 0.5, "本期无信访事项", ha="center", va="center")
            ax.set_axis_off()
        ax.set_aspect("equal")
        return _png(fig)
