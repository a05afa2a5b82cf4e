"""DOCX in the GB/T 9704-2012 layout: what offices print, seal and file."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml.simpletypes import ST_Merge
from docx.shared import Mm, Pt

from documents import docx_style as g
from documents.model import (
    AttachmentHeading,
    Cell,
    Heading,
    KeyValue,
    OfficialDocument,
    PageBreak,
    Paragraph,
    SealBox,
    Table,
    cell_text,
)
from kernel.text import xml_safe
from kernel.timefmt import cn_date

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


class _Writer:
    def __init__(self, doc: OfficialDocument) -> None:
        self.doc = doc
        self.d = Document()
        self._setup()

    def _setup(self) -> None:
        section = self.d.sections[0]
        if self.doc.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = g.PAGE_HEIGHT, g.PAGE_WIDTH
        else:
            section.page_width, section.page_height = g.PAGE_WIDTH, g.PAGE_HEIGHT
        section.top_margin, section.bottom_margin = g.TOP, g.BOTTOM
        section.left_margin, section.right_margin = g.LEFT, g.RIGHT
        section.footer_distance = Mm(28 - 7) if not self.doc.landscape else Mm(15)
        g.doc_grid(section)
        normal = self.d.styles["Normal"]
        normal.font.size = g.SIZE_3
        normal.font.name = "Times New Roman"
        rpr = normal.element.get_or_add_rPr()
        from docx.oxml.ns import qn

        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None:
            fonts.set(qn("w:eastAsia"), g.BODY_FONT)
        g.body_defaults(self.d)
        g.add_font_fallback(self.d)
        self.d.settings.odd_and_even_pages_header_footer = True
        if self.doc.layout == "letter":
            self._letter_first_page(section)
        odd = section.footer.paragraphs[0]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        g.page_number_field(odd)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        g.page_number_field(even)

    def para(
        self,
        text: str,
        *,
        font: str = g.BODY_FONT,
        size: Pt = g.SIZE_3,
        align: str = "left",
        indent: bool = True,
        bold: bool = False,
        color: str | None = None,
        exact: bool = True,
    ):  # type: ignore[no-untyped-def]
        p = self.d.add_paragraph()
        self._format(p, align=align, indent=indent, exact=exact, size=size)
        if text:
            g.set_fonts(p.add_run(xml_safe(text)), font, size, bold=bold, color=color)
        return p

    def _letter_first_page(self, section) -> None:  # type: ignore[no-untyped-def]
        """信函格式, page 1 (GB/T 9704-2012 §10.1): the issuer mark 30 mm from the top with the red double line
        (thick over thin) under it, and a closing double line (thin over thick) 20 mm from the bottom, in the
        first page's own header and footer; that footer has no page number (首页不显示页码)."""
        section.different_first_page_header_footer = True
        section.header_distance = g.LETTER_MARK_TOP
        section.footer_distance = g.LETTER_RULE_BOTTOM
        mark = section.first_page_header.paragraphs[0]
        self._format(mark, align="center", indent=False, exact=False)
        mark.paragraph_format.left_indent = mark.paragraph_format.right_indent = -g.LETTER_RULE_OUTDENT
        g.set_fonts(mark.add_run(xml_safe(self.doc.issuer_mark or "")), g.TITLE_FONT, Pt(26), color=g.RED)
        g.paragraph_rule(mark, "bottom", g.LETTER_HEAD_RULE, size=g.LETTER_RULE_SIZE, space_pt=11)  # 4 mm below
        foot = section.first_page_footer.paragraphs[0]
        foot.paragraph_format.left_indent = foot.paragraph_format.right_indent = -g.LETTER_RULE_OUTDENT
        foot.paragraph_format.space_before = foot.paragraph_format.space_after = Pt(0)
        foot.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        foot.paragraph_format.line_spacing = Pt(1)
        g.no_grid_snap(foot)
        g.paragraph_rule(foot, "top", g.LETTER_FOOT_RULE, size=g.LETTER_RULE_SIZE, space_pt=0)

    def _format(self, p, *, align: str, indent: bool, exact: bool, size: Pt = g.SIZE_3) -> None:  # type: ignore[no-untyped-def]
        fmt = p.paragraph_format
        fmt.alignment = _ALIGN[align]
        fmt.space_before = fmt.space_after = Pt(0)
        if exact:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(g.LINE_PITCH_PT)
        if indent:
            fmt.first_line_indent = Pt(size.pt * 2)

    def head(self) -> None:
        doc = self.doc
        if doc.notice:
            g.box(self.para(doc.notice, align="center", indent=False, bold=True, color=g.RED))
        if doc.attachment_label:
            self.para(doc.attachment_label, font=g.HEADING1_FONT, indent=False)
        if doc.layout == "letter":
            self._letter_head()
            return
        if doc.issuer_mark:
            self.para(
                doc.issuer_mark, font=g.TITLE_FONT, size=Pt(26), align="center", indent=False, color=g.RED, exact=False
            )
            self.para("", indent=False)
        if doc.doc_number:
            number = self.para(doc.doc_number, align="center", indent=False)
            if doc.issuer_mark:
                g.red_rule(number)
            self.para("", indent=False)
        self._title_and_addressee()

    def _letter_head(self) -> None:
        """Below the first page's header: the number flush right, 7/8 of a 3号 character under the double line
        (GB/T 9704-2012 §10.1), then the title two lines down."""
        if self.doc.doc_number:
            number = self.para(self.doc.doc_number, align="right", indent=False)
            number.paragraph_format.space_before = Pt(g.SIZE_3.pt * 7 / 8)
        self.para("", indent=False)
        self.para("", indent=False)
        self._title_and_addressee()

    def _title_and_addressee(self) -> None:
        doc = self.doc
        self.para(doc.title, font=g.TITLE_FONT, size=g.SIZE_2, align="center", indent=False, exact=False)
        self.para("", indent=False)
        if doc.addressee:
            self.para(doc.addressee, indent=False)

    def tail(self) -> None:
        doc = self.doc
        if doc.attachments:
            self.para("", indent=False)
            for n, name in enumerate(doc.attachments, 1):
                # 附件：1. … after a two-character indent; every further line (the next attachments, and a long
                # name's second line) starts under the first one's number (GB/T 9704-2012 §7.3.4).
                text = f"{n}. {name}" if len(doc.attachments) > 1 else name
                p = self.para(f"附件：{text}" if n == 1 else text, indent=False)
                p.paragraph_format.left_indent = Pt(g.SIZE_3.pt * 5)
                if n == 1:
                    p.paragraph_format.first_line_indent = Pt(-g.SIZE_3.pt * 3)
        if doc.signature or doc.date:
            self.para("", indent=False)
            self.para("", indent=False)
        if doc.signature:
            self.para(doc.signature, align="right", indent=False)
        if doc.date:
            self.para(cn_date(doc.date), align="right", indent=False)

    def table(self, table: Table) -> None:
        if table.caption:
            self.para(table.caption, font=g.HEADING1_FONT, align="center", indent=False)
        ncols = len(table.headers)
        t = self.d.add_table(rows=1 + len(table.rows), cols=ncols)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        g.cell_borders(t)
        size = g.SIZE_SMALL4 if ncols > 3 else g.SIZE_4
        # The layout grid, read once: python-docx's ``Table.cell(r, c)`` rebuilds it on every call, which made
        # a 2,000-comment adoption table take minutes (issue 13). The cell objects stay valid through the
        # merges below, which never overlap: each only joins the cells of its own span.
        grid = t._cells

        def at(r: int, c: int):  # type: ignore[no-untyped-def]
            return grid[r * ncols + c]

        for c, text in enumerate(table.headers):
            self._cell_text(at(0, c), text, size, bold=True, font=g.HEADING1_FONT)
        g.repeat_header(t.rows[0])
        for r, row in enumerate(table.rows, 1):
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                self._cell_text(at(r, c), cell_text(cell), size)
        for r, row in enumerate(table.rows, 1):
            for c, cell in enumerate(row):
                if isinstance(cell, Cell) and (cell.row_span > 1 or cell.col_span > 1):
                    top = at(r, c)
                    text = top.text
                    merged = _merge(top, [at(r + k, c) for k in range(cell.row_span)], cell.col_span)
                    for extra in merged.paragraphs[1:]:
                        extra._p.getparent().remove(extra._p)
                    if merged.text != text:
                        self._cell_text(merged, text, size)
        g.column_widths(t, self._widths(table))

    def _widths(self, table: Table) -> list[float]:
        """Column widths scaled to fill the text block (156 mm, or 243 mm on a landscape page)."""
        block = 243.0 if self.doc.landscape else 156.0
        given = list(table.col_widths_mm or [1.0] * len(table.headers))
        total = sum(given)
        return [w * block / total for w in given]

    def _cell_text(self, cell, text: str, size: Pt, *, bold: bool = False, font: str = g.BODY_FONT) -> None:  # type: ignore[no-untyped-def]
        cell.text = ""
        lines = text.split("\n") or [""]
        for n, line in enumerate(lines):
            p = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.line_spacing = 1.15
            g.no_grid_snap(p)
            g.set_fonts(p.add_run(xml_safe(line)), font, size, bold=bold)

    def body(self) -> None:
        for block in self.doc.blocks:
            if isinstance(block, Heading):
                font = {1: g.HEADING1_FONT, 2: g.HEADING2_FONT, 3: g.BODY_FONT}[block.level]
                self.para(block.text, font=font, bold=block.level == 3)
            elif isinstance(block, Paragraph):
                self.para(block.text, align=block.align, indent=block.indent_first_line, bold=block.bold)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, PageBreak):
                self.d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            elif isinstance(block, AttachmentHeading):
                self.d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                self.para(block.label, font=g.HEADING1_FONT, indent=False)
                if block.title:
                    self.para(block.title, font=g.TITLE_FONT, size=g.SIZE_2, align="center", indent=False, exact=False)
            elif isinstance(block, KeyValue):
                self.para("　　".join(f"{k}：{v}" for k, v in block.pairs), indent=False)
            elif isinstance(block, SealBox):
                self.para(block.text, align="right", indent=False)

    def render(self) -> bytes:
        self.head()
        self.body()
        self.tail()
        buf = io.BytesIO()
        self.d.save(buf)
        return buf.getvalue()


def _merge(top, column: list, width: int):  # type: ignore[no-untyped-def,type-arg]
    """``top.merge(bottom-right)`` as python-docx does it (the same XML), one row after another: its own
    ``_grow_to`` recurses once per row and overflowed Python's stack on a span of 1,000 rows (an adoption
    table whose 有修改意见 group has 2,000 comments). ``column``: the span's first cell in each of its rows."""
    head = top._tc
    height = len(column)
    for k, cell in enumerate(column):
        v_merge = None if height == 1 else ST_Merge.RESTART if k == 0 else ST_Merge.CONTINUE
        cell._tc._span_to_width(width, head, v_merge)
    return top


def render_docx(doc: OfficialDocument) -> bytes:
    return _Writer(doc).render()
