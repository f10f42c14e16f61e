"""Build the default notice templates (one .docx per notice kind) after GB/T 9704-2012.

Run once after changing the layout and commit the output beside this script:

    python xinfang/documents/templates_docx/build_defaults.py

The files are ordinary Word documents with docxtpl (Jinja) tags, so an office can open one in Word,
change wording or layout, and upload it in the admin as its own version. The fields each template
may use are listed in README.md beside this script.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
RED = RGBColor(0xFF, 0x00, 0x00)
# Fonts the standard names; where they are missing (Linux, LibreOffice) the font table's alternate
# names point at the Noto CJK fonts Debian ships (fonts-noto-cjk).
FANGSONG, HEITI, XIAOBIAOSONG, KAITI = "仿宋_GB2312", "黑体", "方正小标宋简体", "楷体_GB2312"
FALLBACK = {
    FANGSONG: "Noto Serif CJK SC",
    XIAOBIAOSONG: "Noto Serif CJK SC",
    KAITI: "Noto Serif CJK SC",
    HEITI: "Noto Sans CJK SC",
}
SANHAO, ERHAO = Pt(16), Pt(22)  # 三号 body, 二号 title
LINE = Pt(28.95)  # 22 lines a page on the 225 mm type area (GB/T 9704 §5.2.2)

# kind → (file name, what the notice is; shown in the admin)
KINDS = {
    "acceptance": "受理告知书",
    "rejection": "不予受理告知书",
    "transfer": "转送交办函",
    "extension": "延期告知书",
    "reply": "信访处理意见书",
    "review": "复查意见书",
    "recheck": "复核意见书",
}


def _fonts(run_or_style_rpr: object, east_asia: str, size: Pt | None = None) -> None:
    font = run_or_style_rpr.font  # type: ignore[attr-defined]
    font.name = "Times New Roman"
    if size is not None:
        font.size = size
    rpr = run_or_style_rpr.element.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:ascii"), "Times New Roman")
    rfonts.set(qn("w:hAnsi"), "Times New Roman")


def _border(paragraph: Paragraph, side: str, *, color: str, size: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.append(bdr)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), "1")
    edge.set(qn("w:color"), color)
    bdr.append(edge)


def _para(
    doc: DocxDocument,
    text: str = "",
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    font: str = FANGSONG,
    size: Pt = SANHAO,
    color: RGBColor | None = None,
    indent: bool = False,
    bold: bool = False,
) -> Paragraph:
    p: Paragraph = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE if size == SANHAO else Pt(size.pt * 1.6)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号
    if text:
        run = p.add_run(text)
        _fonts(run, font, size)
        run.bold = bold
        if color is not None:
            run.font.color.rgb = color
    return p


def _font_table(doc: DocxDocument) -> None:
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            table = rel.target_part
            break
    else:  # pragma: no cover - python-docx's default template has one
        return
    from docx.oxml import parse_xml

    root = parse_xml(table.blob)
    for name, alt in FALLBACK.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt_el = OxmlElement("w:altName")
        alt_el.set(qn("w:val"), alt)
        font.append(alt_el)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(charset)
        root.append(font)
    from lxml import etree

    table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def build(kind: str, label: str) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    _fonts(normal, FANGSONG, SANHAO)
    core = doc.core_properties
    core.title = f"{label}（默认模板）"
    core.author = core.last_modified_by = "xinfang"
    core.comments = f"xinfang notice template: {kind}"

    # 版头: 发文机关标志 in red 小标宋, the 发文字号, the red separator line.
    _para(doc, "{{ organ_header }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=XIAOBIAOSONG, size=Pt(36), color=RED)
    _para(doc)
    number = _para(doc, "{{ doc_number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _border(number, "bottom", color="FF0000", size=18)
    _para(doc)
    # 主体: title, 主送机关, body paragraphs, 附件说明, 落款 and date.
    _para(doc, "{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=XIAOBIAOSONG, size=ERHAO)
    _para(doc)
    _para(doc, "{{ addressee }}：")
    _para(doc, "{%p for para in body %}")
    _para(doc, "{{ para }}", indent=True)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if attachments %}")
    _para(doc)
    _para(doc, "{%p for item in attachments %}")
    _para(doc, "{% if loop.first %}附件：{% else %}　　　{% endif %}{{ loop.index }}. {{ item }}", indent=True)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc)
    _para(doc)
    signer = _para(doc, "{{ signer }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    signer.paragraph_format.right_indent = Pt(64)
    date = _para(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(64)
    _para(doc, "{%p if contact %}")
    _para(doc, "（联系人：{{ contact }}）", indent=True)
    _para(doc, "{%p endif %}")
    _para(doc)
    # 版记: 抄送 and 印发机关/印发日期 between thin black lines, 四号 仿宋.
    small = Pt(14)
    _para(doc, "{%p if cc %}")
    cc = _para(doc, "抄送：{{ cc }}。", size=small)
    cc.paragraph_format.left_indent = Pt(14)
    _border(cc, "top", color="000000", size=8)
    _para(doc, "{%p endif %}")
    printed = _para(doc, "{{ printer }}{{ print_gap }}{{ print_date }}印发", size=small)
    printed.paragraph_format.left_indent = Pt(14)
    _border(printed, "top", color="000000", size=8)
    _border(printed, "bottom", color="000000", size=8)
    _font_table(doc)
    out = HERE / f"{kind}.docx"
    doc.save(str(out))
    return out


def _cell(cell: object, text: str, *, size: Pt, bold: bool = False, center: bool = True) -> None:
    p: Paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    run = p.add_run(text)
    _fonts(run, HEITI if bold else FANGSONG, size)
    run.bold = bold


def _loop_table(doc: DocxDocument, headings: list[str], fields: list[str], rows: str) -> None:
    """A table whose middle row repeats for each item of `rows` (docxtpl {%tr %} rows)."""
    small = Pt(12)  # 小四
    table = doc.add_table(rows=4, cols=len(headings))
    table.style = "Table Grid"
    for i, heading in enumerate(headings):
        _cell(table.rows[0].cells[i], heading, size=small, bold=True)
        _cell(table.rows[2].cells[i], "{{ r." + fields[i] + " }}", size=small, center=i > 0)
    _cell(table.rows[1].cells[0], "{%tr for r in " + rows + " %}", size=small)
    _cell(table.rows[3].cells[0], "{%tr endfor %}", size=small)


def build_report(kind: str = "stats_report", label: str = "信访统计报告（月报/季报）") -> Path:
    """The 月报/季报: 版头 as the notices, a summary, the indicator, volume and ranking tables, the charts."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _fonts(doc.styles["Normal"], FANGSONG, SANHAO)
    core = doc.core_properties
    core.title = f"{label}（默认模板）"
    core.author = core.last_modified_by = "xinfang"
    core.comments = f"xinfang report template: {kind}"
    _para(doc, "{{ organ_header }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=XIAOBIAOSONG, size=Pt(36), color=RED)
    _para(doc)
    number = _para(doc, "{{ doc_number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _border(number, "bottom", color="FF0000", size=18)
    _para(doc)
    _para(doc, "{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=XIAOBIAOSONG, size=ERHAO)
    _para(doc)
    _para(doc, "{{ addressee }}：")
    _para(doc, "{%p for para in body %}")
    _para(doc, "{{ para }}", indent=True)
    _para(doc, "{%p endfor %}")
    _para(doc, "{{ as_of }}", indent=True, font=KAITI)
    _para(doc, "一、主要指标", indent=True, font=HEITI)
    _loop_table(
        doc,
        ["指标", "本期", "分子", "分母", "上期", "去年同期"],
        ["label", "rate", "numerator", "denominator", "previous", "last_year"],
        "indicators",
    )
    _para(doc, "二、信访量（批次/人次）", indent=True, font=HEITI)
    _loop_table(
        doc,
        ["项目", "本期", "人次", "上期", "去年同期"],
        ["label", "value", "persons", "previous", "last_year"],
        "volumes",
    )
    _para(doc, "三、{{ ranking_label }}单位排名", indent=True, font=HEITI)
    _para(doc, "{{ ranking_note }}", indent=True, size=Pt(14))
    _loop_table(
        doc,
        ["名次", "单位", "收到件数", "{{ ranking_label }}", "分子/分母", "备注"],
        ["rank", "name", "received", "rate", "fraction", "note"],
        "ranking",
    )
    _para(doc, "四、图表", indent=True, font=HEITI)
    _para(doc, "{%p for c in charts %}")
    _para(doc, "{{ c.image }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "图{{ loop.index }}　{{ c.caption }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(14))
    _para(doc, "{%p endfor %}")
    _para(doc)
    signer = _para(doc, "{{ signer }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    signer.paragraph_format.right_indent = Pt(64)
    date = _para(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(64)
    _para(doc)
    small = Pt(14)
    _para(doc, "{%p if cc %}")
    cc = _para(doc, "抄送：{{ cc }}。", size=small)
    cc.paragraph_format.left_indent = Pt(14)
    _border(cc, "top", color="000000", size=8)
    _para(doc, "{%p endif %}")
    printed = _para(doc, "{{ printer }}{{ print_gap }}{{ print_date }}印发", size=small)
    printed.paragraph_format.left_indent = Pt(14)
    _border(printed, "top", color="000000", size=8)
    _border(printed, "bottom", color="000000", size=8)
    _font_table(doc)
    out = HERE / f"{kind}.docx"
    doc.save(str(out))
    return out


def main() -> None:
    for kind, label in KINDS.items():
        print(build(kind, label))
    print(build_report())


if __name__ == "__main__":
    main()
