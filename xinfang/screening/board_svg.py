"""The 作战示意图 as an SVG image (for the 通报: inserted into a Word document or printed), drawn on the
server from the same board the page shows: no script, no map data."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .selectors import Board

COLS, W, H, GAP, TOP = 5, 200, 92, 12, 96


def board_svg(board: Board, *, title: str, subtitle: str = "") -> str:
    rows = (len(board.tiles) + COLS - 1) // COLS
    width = COLS * (W + GAP) + GAP
    height = TOP + rows * (H + GAP) + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="Noto Sans CJK SC, Microsoft YaHei, SimHei, sans-serif">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{GAP}" y="34" font-size="22" font-weight="bold">{escape(title)}</text>',
        f'<text x="{GAP}" y="60" font-size="14">{escape(subtitle)}排查 {board.screened} 件 · 挂图 {board.marked} 件 · '
        f"已化解 {board.resolved} 件</text>",
    ]
    x = GAP
    for grade in board.grades:
        out.append(f'<rect x="{x}" y="70" width="14" height="14" fill="{escape(grade.color)}"/>')
        out.append(f'<text x="{x + 18}" y="82" font-size="12">{escape(grade.name)}</text>')
        x += 64
    for i, tile in enumerate(board.tiles):
        tx = GAP + (i % COLS) * (W + GAP)
        ty = TOP + (i // COLS) * (H + GAP)
        color = escape(tile.color or "#9aa5b1")
        out.append(
            f'<rect x="{tx}" y="{ty}" width="{W}" height="{H}" rx="6" fill="#f6f8fa" stroke="{color}" stroke-width="2"/>'
        )
        out.append(f'<rect x="{tx}" y="{ty}" width="10" height="{H}" rx="3" fill="{color}"/>')
        out.append(
            f'<text x="{tx + 20}" y="{ty + 26}" font-size="16" font-weight="bold">{escape(tile.area.name)}</text>'
        )
        out.append(
            f'<text x="{tx + 20}" y="{ty + 50}" font-size="12">排查 {tile.screened} · 挂图 {tile.marked} · 化解 {tile.resolved}</text>'
        )
        gx = tx + 20
        for grade in board.grades:
            n = tile.open_by_grade.get(grade.code)
            if n:
                out.append(f'<rect x="{gx}" y="{ty + 60}" width="30" height="18" rx="3" fill="{escape(grade.color)}"/>')
                out.append(
                    f'<text x="{gx + 15}" y="{ty + 74}" font-size="12" fill="#fff" text-anchor="middle">{n}</text>'
                )
                gx += 34
        if not tile.open:
            out.append(f'<text x="{tx + 20}" y="{ty + 74}" font-size="12" fill="#555">无未化解</text>')
    out.append(
        f'<text x="{GAP}" y="{height - 14}" font-size="11" fill="#555">色块按未化解矛盾纠纷的最高风险等级着色；'
        "按行政区划排列的示意图，非地图。</text>"
    )
    out.append("</svg>")
    return "\n".join(out)
