"""DOCX in the GB/T 9704-2012 layout: what offices print, seal and file."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.simpletypes import ST_HpsMeasure
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
        self.runs: dict[int, Any] = {}  # block index → the one run of a Paragraph or KeyValue block's text
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
        """The grid written as XML in one pass (:func:`_rows_xml`), the same elements python-docx's cell API
        wrote one property at a time: that took 2 s for a 2,000-comment adoption table (issue 13)."""
        if table.caption:
            self.para(table.caption, font=g.HEADING1_FONT, align="center", indent=False)
        ncols = len(table.headers)
        t = self.d.add_table(rows=0, cols=ncols)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        g.cell_borders(t)
        size = g.SIZE_SMALL4 if ncols > 3 else g.SIZE_4
        widths = self._widths(table)
        grid = t._tbl.tblGrid.findall(qn("w:gridCol"))
        default = grid[0].get(qn("w:w")) if grid else "0"  # the width python-docx gives every new cell
        rows = "".join(_rows_xml(table, [str(Mm(w).twips) for w in widths], default or "0", size))
        t._tbl.extend(parse_xml(f"<w:tbl {nsdecls('w')}>{rows}</w:tbl>"))
        g.column_widths(t, widths)

    def _widths(self, table: Table) -> list[float]:
        """Column widths scaled to fill the text block (156 mm, or 243 mm on a landscape page)."""
        block = 243.0 if self.doc.landscape else 156.0
        given = list(table.col_widths_mm or [1.0] * len(table.headers))
        total = sum(given)
        return [w * block / total for w in given]

    def body(self) -> None:
        for n, block in enumerate(self.doc.blocks):
            if isinstance(block, Heading):
                font = {1: g.HEADING1_FONT, 2: g.HEADING2_FONT, 3: g.BODY_FONT}[block.level]
                self.para(block.text, font=font, bold=block.level == 3)
            elif isinstance(block, Paragraph):
                p = self.para(block.text, align=block.align, indent=block.indent_first_line, bold=block.bold)
                self.runs[n] = p._p.r_lst[0] if block.text else None
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
                runs = self.para(_pairs_text(block), indent=False)._p.r_lst
                self.runs[n] = runs[0] if runs else None
            elif isinstance(block, SealBox):
                self.para(block.text, align="right", indent=False)

    def render(self) -> bytes:
        self.head()
        self.body()
        self.tail()
        buf = io.BytesIO()
        self.d.save(buf)
        return buf.getvalue()


# A table cell's paragraph as python-docx's API wrote it (``cell.text = ""``, then ``space_after = Pt(0)``,
# ``line_spacing = 1.15`` (276 = 1.15 × 240) and ``snapToGrid`` off, then a run per line in ``set_fonts``): the
# first paragraph keeps the empty run ``cell.text = ""`` left behind.
_CELL_PPR = '<w:pPr><w:spacing w:after="0" w:line="276" w:lineRule="auto"/><w:snapToGrid w:val="0"/></w:pPr>'
_RUN_PARTS = re.compile(r"([\t\r])")


def _run_content(line: str) -> str:
    """python-docx's ``run.text = line``: a tab is ``w:tab``, a carriage return ``w:br``, the rest ``w:t``
    (``xml:space="preserve"`` where the text starts or ends with white space)."""
    out = []
    for part in _RUN_PARTS.split(line) if ("\t" in line or "\r" in line) else (line,):
        if part == "\t":
            out.append("<w:tab/>")
        elif part == "\r":
            out.append("<w:br/>")
        elif part:
            space = ' xml:space="preserve"' if len(part.strip()) < len(part) else ""
            out.append(f"<w:t{space}>{escape(part)}</w:t>")
    return "".join(out)


def _run_props(size: Pt, *, bold: bool = False, font: str = g.BODY_FONT) -> str:
    """``set_fonts``'s run properties: ``font`` for Chinese, Times New Roman for Latin, ``size``."""
    weight = "<w:b/>" if bold else '<w:b w:val="0"/>'
    return (
        f'<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{font}"/>'
        f'{weight}<w:sz w:val="{ST_HpsMeasure.convert_to_xml(size)}"/></w:rPr>'
    )


def _cell_xml(text: str, width: str, rpr: str, props: str = "") -> str:
    """One ``w:tc`` with ``text`` a paragraph per line, each line one run with the properties ``rpr``."""
    paragraphs = "".join(
        f"<w:p>{_CELL_PPR}{'<w:r/>' if n == 0 else ''}<w:r>{rpr}{_run_content(xml_safe(line))}</w:r></w:p>"
        for n, line in enumerate(text.split("\n"))
    )
    return f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{props}</w:tcPr>{paragraphs}</w:tc>'


def _rows_xml(table: Table, widths: list[str], default: str, size: Pt) -> Iterator[str]:
    """The header row (repeated on every page) and the body rows as ``w:tr`` XML.

    A span is what python-docx's ``merge`` made of it: the first cell carries ``gridSpan``,
    ``vMerge="restart"`` and the span's text (rewritten from ``cell.text`` where it has several lines, which
    reads a carriage return back as a line break); in each further row of the span the first cell is a
    ``vMerge`` continuation, empty and as wide as python-docx first made it; the cells a span covers to the
    right are gone. A cell is as wide as the last grid column it covers (``column_widths`` wrote each
    column's width in turn)."""
    ncols = len(widths)
    covered: dict[tuple[int, int], int] = {}  # (row, column) → 0: joined to the left; n: continuation, n wide
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row[:ncols]):
            if isinstance(cell, Cell) and (cell.row_span > 1 or cell.col_span > 1):
                for k in range(cell.row_span):
                    if k:
                        covered[(r + k, c)] = cell.col_span
                    for j in range(1, cell.col_span):
                        covered[(r + k, c + j)] = 0
    head, body = _run_props(size, bold=True, font=g.HEADING1_FONT), _run_props(size)
    header = "".join(_cell_xml(text, widths[c], head) for c, text in enumerate(table.headers))
    yield f'<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>{header}</w:tr>'
    for r, row in enumerate(table.rows):
        cells = []
        for c in range(ncols):
            cell = row[c] if c < len(row) else None
            joined = covered.get((r, c))
            if joined == 0:
                continue
            if joined is not None:
                span = f'<w:gridSpan w:val="{joined}"/>' if joined > 1 else ""
                cells.append(
                    f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{int(default) * joined}"/>{span}'
                    "<w:vMerge/></w:tcPr><w:p/></w:tc>"
                )
            elif cell is None:
                cells.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{widths[c]}"/></w:tcPr><w:p/></w:tc>')
            elif isinstance(cell, Cell) and (cell.row_span > 1 or cell.col_span > 1):
                props = f'<w:gridSpan w:val="{cell.col_span}"/>' if cell.col_span > 1 else ""
                props += '<w:vMerge w:val="restart"/>' if cell.row_span > 1 else ""
                text = xml_safe(cell.text)
                text = text.replace("\r", "\n") if "\n" in text else text
                cells.append(_cell_xml(text, widths[min(c + cell.col_span, ncols) - 1], body, props))
            else:
                cells.append(_cell_xml(cell_text(cell), widths[c], body))
        yield f"<w:tr>{''.join(cells)}</w:tr>"


def render_docx(doc: OfficialDocument) -> bytes:
    return _Writer(doc).render()


def _pairs_text(block: KeyValue) -> str:
    return "　　".join(f"{k}：{v}" for k, v in block.pairs)


def _block_text(block: object) -> str | None:
    """The text of a block printed as one run: a Paragraph's or a KeyValue line's; None for other blocks."""
    if isinstance(block, KeyValue):
        return _pairs_text(block)
    if isinstance(block, Paragraph):
        return block.text
    return None


def render_docx_series(docs: Iterable[OfficialDocument]) -> Iterator[bytes]:
    """``render_docx`` of each document, for many documents that differ only in the words of some
    paragraphs (a round's reply forms, one per unit: name, contact and phone).

    The first is laid out by python-docx; each next one that differs from it only in the text of Paragraph
    or KeyValue blocks is that document with those runs' text replaced (python-docx's own ``run.text``)
    and ``word/document.xml`` serialised again, the other parts of the package (styles alone are 0.8 MB to
    compress) reused as compressed once: the same parts as rendering it afresh, in a fraction of the time.
    Any other difference: rendered afresh."""
    base: OfficialDocument | None = None
    writer: _Writer | None = None
    shown: dict[int, str] = {}  # block index → the text its run has now, where not the base's
    others = b""  # the package without word/document.xml, every other part compressed once
    for doc in docs:
        if writer is None or base is None:
            base, writer = doc, _Writer(doc)
            data = writer.render()
            others = _package_without(data, writer.d.part.partname.membername)
            yield data
            continue
        changed = _changed_runs(base, doc, writer)
        if changed is None:
            yield render_docx(doc)
            continue
        for n in set(changed) | set(shown):
            text = changed.get(n, _block_text(base.blocks[n]) or "")
            if shown.get(n, _block_text(base.blocks[n])) != text:
                writer.runs[n].text = xml_safe(text)
                shown[n] = text
        buf = io.BytesIO(others)
        with ZipFile(buf, "a", compression=ZIP_DEFLATED) as package:
            package.writestr(writer.d.part.partname.membername, serialize_part_xml(writer.d.part.element))
        yield buf.getvalue()


def _package_without(data: bytes, member: str) -> bytes:
    """The DOCX package ``data`` less one member; appending it again puts it last, which no reader minds
    (parts are found by name, ``[Content_Types].xml`` stays first)."""
    buf = io.BytesIO()
    with ZipFile(io.BytesIO(data)) as source, ZipFile(buf, "w", compression=ZIP_DEFLATED) as package:
        for name in source.namelist():
            if name != member:
                package.writestr(name, source.read(name))
    return buf.getvalue()


def _changed_runs(base: OfficialDocument, doc: OfficialDocument, writer: _Writer) -> dict[int, str] | None:
    """Block index → new text for each text block of ``doc`` that differs from ``base``; None where ``doc``
    differs in anything a run's text cannot carry (another block, other formatting, an empty paragraph)."""
    if len(doc.blocks) != len(base.blocks) or replace(doc, blocks=base.blocks) != base:
        return None
    changed: dict[int, str] = {}
    for n, (old, new) in enumerate(zip(base.blocks, doc.blocks, strict=True)):
        if old == new:
            continue
        text = _block_text(new)
        if type(old) is not type(new) or text is None or not text or writer.runs.get(n) is None:
            return None
        if isinstance(old, Paragraph) and replace(old, text="") != replace(new, text=""):  # type: ignore[arg-type]
            return None
        changed[n] = text
    return changed
