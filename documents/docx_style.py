"""GB/T 9704-2012 (党政机关公文格式) numbers and the low-level XML python-docx lacks."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.run import Run

from kernel.text import xml_safe

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)  # → text block 156 × 225 mm
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_FONT, BODY_FALLBACK, TITLE_FONT = "仿宋_GB2312", "仿宋", "方正小标宋简体"
HEADING1_FONT, HEADING2_FONT, PAGE_NUMBER_FONT = "黑体", "楷体_GB2312", "宋体"
SIZE_2, SIZE_3, SIZE_4, SIZE_SMALL4 = Pt(22), Pt(16), Pt(14), Pt(12)  # 2号, 3号, 4号, 小4号
LINE_PITCH_PT = 225 / LINES_PER_PAGE / 25.4 * 72  # ≈ 29 pt: 22 lines in the 225 mm block
CHAR_CONDENSE_TWIPS = -4  # 156 mm / 28 characters = 15.8 pt per 16 pt character
RED = "C00000"


def set_fonts(run: Run, east_asia: str, size: Pt, *, bold: bool = False, color: str | None = None) -> None:
    """Chinese text needs w:eastAsia set explicitly; Latin digits stay in Times New Roman."""
    run.font.size = size
    run.font.bold = bold
    run.font.name = "Times New Roman"
    rpr = run._r.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")
    if color:
        c = OxmlElement("w:color")
        c.set(qn("w:val"), color)
        rpr.append(c)


def add_font_fallback(document) -> None:  # type: ignore[no-untyped-def]
    """Declare 仿宋 as the alternative for 仿宋_GB2312 in the font table, for machines without it."""
    part = document.part
    font_table = None
    for rel in part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            font_table = rel.target_part
    if font_table is None:
        return
    from docx.oxml import parse_xml

    root = parse_xml(font_table.blob)
    font = OxmlElement("w:font")
    font.set(qn("w:name"), BODY_FONT)
    alt = OxmlElement("w:altName")
    alt.set(qn("w:val"), BODY_FALLBACK)
    font.append(alt)
    charset = OxmlElement("w:charset")
    charset.set(qn("w:val"), "86")
    font.append(charset)
    root.append(font)
    from lxml import etree

    font_table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def body_defaults(document) -> None:  # type: ignore[no-untyped-def]
    """Document defaults of 3号 仿宋: the character grid's pitch is computed from the default size,
    so without this Word and LibreOffice spread the 28 characters of a line far apart."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    for tag in ("w:rFonts", "w:sz", "w:szCs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr, value in (("w:ascii", "Times New Roman"), ("w:hAnsi", "Times New Roman"), ("w:eastAsia", BODY_FONT)):
        fonts.set(qn(attr), value)
    rpr.append(fonts)
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "32")
        rpr.append(el)
    # 28 characters in 156 mm is a pitch of 15.8 pt for 16 pt type: condense by 0.2 pt (4 twentieths).
    # A negative w:charSpace on the grid would say the same, but LibreOffice misreads negative values.
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_CONDENSE_TWIPS))
    rpr.append(spacing)


def doc_grid(section) -> None:  # type: ignore[no-untyped-def]
    """22 lines per page: the line grid Word and WPS lay the body out on (28.95 pt pitch)."""
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    sect.append(grid)


def page_number_field(paragraph) -> None:  # type: ignore[no-untyped-def]
    """ "— N —" with N a PAGE field, in 4号 宋体."""

    def run(text: str | None = None, field: str | None = None) -> None:
        r = paragraph.add_run(xml_safe(text or ""))
        set_fonts(r, PAGE_NUMBER_FONT, SIZE_4)
        if field is not None:
            for kind, instr in (("begin", None), (None, field), ("end", None)):
                if kind:
                    el = OxmlElement("w:fldChar")
                    el.set(qn("w:fldCharType"), kind)
                else:
                    el = OxmlElement("w:instrText")
                    el.set(qn("xml:space"), "preserve")
                    el.text = instr
                r._r.append(el)

    run("— ")
    run(field=" PAGE ")
    run(" —")


def cell_borders(table) -> None:  # type: ignore[no-untyped-def]
    """Full single borders on every cell edge, independent of the template's table styles."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def red_rule(paragraph) -> None:  # type: ignore[no-untyped-def]
    """The red separator under the document number (版头中的分隔线)."""
    p_pr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), RED)
    border.append(bottom)
    p_pr.append(border)


def no_grid_snap(paragraph) -> None:  # type: ignore[no-untyped-def]
    """Table text keeps its own compact spacing instead of the body's 28.95 pt line grid."""
    p_pr = paragraph._p.get_or_add_pPr()
    el = OxmlElement("w:snapToGrid")
    el.set(qn("w:val"), "0")
    p_pr.append(el)


def column_widths(table, widths_mm: list[float]) -> None:  # type: ignore[no-untyped-def]
    """Fixed layout with an explicit grid: LibreOffice reads tblGrid, Word each cell's tcW (written with the
    cells, see ``docx_writer._rows_xml``)."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(round(width / 25.4 * 1440)))


# 信函格式 (GB/T 9704-2012 §10.1): red double lines 170 mm long, centred on the 156 mm text block.
LETTER_RULE_OUTDENT = Mm((170 - 156) / 2)
LETTER_MARK_TOP = Mm(30)  # the issuer mark's top edge from the top of the page
LETTER_RULE_BOTTOM = Mm(20)  # the closing double line from the bottom of the page
# A compound border names its lines from the text outwards: "thickThin" under a paragraph puts the thick line
# above the thin one (上粗下细), over a paragraph the thin line above the thick one (上细下粗).
LETTER_HEAD_RULE = "thickThinSmallGap"  # the bottom border of the issuer mark
LETTER_FOOT_RULE = "thickThinSmallGap"  # the top border of page 1's footer
LETTER_RULE_SIZE = 24  # eighths of a point: the pair is 3 pt thick in all (thick 2.25 pt, thin 0.75 pt)


_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)


def paragraph_rule(paragraph, edge: str, kind: str, *, size: int, space_pt: int, color: str = RED) -> None:  # type: ignore[no-untyped-def]
    """A border on one edge of a paragraph: a rule as long as the paragraph is wide (indents included)."""
    p_pr = paragraph._p.get_or_add_pPr()
    border = p_pr.find(qn("w:pBdr"))
    if border is None:
        border = OxmlElement("w:pBdr")
        p_pr.insert_element_before(border, *_AFTER_PBDR)  # Word refuses pPr children out of schema order
    el = OxmlElement(f"w:{edge}")
    el.set(qn("w:val"), kind)
    el.set(qn("w:sz"), str(size))
    el.set(qn("w:space"), str(space_pt))
    el.set(qn("w:color"), color)
    border.append(el)


def box(paragraph, color: str = RED) -> None:  # type: ignore[no-untyped-def]
    """A thin box around a paragraph (a notice the reader must not miss)."""
    for edge in ("top", "left", "bottom", "right"):
        paragraph_rule(paragraph, edge, "single", size=8, space_pt=4, color=color)
