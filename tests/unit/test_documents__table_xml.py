"""The DOCX table written as XML in one pass is the table python-docx's cell API wrote (issue 13).

The reference below is the writer's former table code, one ``cell.text``/``merge``/``width`` call at a
time; both must give the same ``word/document.xml`` byte for byte, spans, odd text and widths included."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.simpletypes import ST_Merge
from docx.shared import Mm, Pt

from documents import docx_style as g
from documents.docx_writer import _Writer, render_docx
from documents.model import Cell, OfficialDocument, Paragraph, Table, cell_text
from kernel.text import xml_safe


class _ApiWriter(_Writer):
    """Tables through python-docx's cell API, as the writer made them before issue 13."""

    def table(self, table: Table) -> None:
        if table.caption:
            self.para(table.caption, font=g.HEADING1_FONT, align="center", indent=False)
        ncols = len(table.headers)
        t = self.d.add_table(rows=1 + len(table.rows), cols=ncols)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        g.cell_borders(t)
        size = g.SIZE_SMALL4 if ncols > 3 else g.SIZE_4
        grid = t._cells

        def at(r: int, c: int) -> Any:
            return grid[r * ncols + c]

        for c, text in enumerate(table.headers):
            self._text(at(0, c), text, size, bold=True, font=g.HEADING1_FONT)
        g.repeat_header(t.rows[0])
        for r, row in enumerate(table.rows, 1):
            for c, cell in enumerate(row):
                if cell is not None:
                    self._text(at(r, c), cell_text(cell), size)
        for r, row in enumerate(table.rows, 1):
            for c, cell in enumerate(row):
                if isinstance(cell, Cell) and (cell.row_span > 1 or cell.col_span > 1):
                    top = at(r, c)
                    text = top.text
                    for k in range(cell.row_span):
                        merge = None if cell.row_span == 1 else ST_Merge.RESTART if k == 0 else ST_Merge.CONTINUE
                        at(r + k, c)._tc._span_to_width(cell.col_span, top._tc, merge)
                    for extra in top.paragraphs[1:]:
                        extra._p.getparent().remove(extra._p)
                    if top.text != text:
                        self._text(top, text, size)
        g.column_widths(t, self._widths(table))
        widths = [Mm(w) for w in self._widths(table)]
        roots: dict[int, Any] = {}
        for tr in t._tbl.tr_lst:
            idx, offset = 0, tr.grid_before
            for tc in tr.tc_lst:
                if tc.vMerge == "continue":
                    root = roots.get(offset, tc)
                else:
                    root = roots[offset] = tc
                for _ in range(root.grid_span):
                    if idx < len(widths):
                        root.width = widths[idx]
                    idx += 1
                offset += tc.grid_span

    def _text(self, cell: Any, text: str, size: Pt, *, bold: bool = False, font: str = g.BODY_FONT) -> None:
        cell.text = ""
        for n, line in enumerate(text.split("\n")):
            p = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.line_spacing = 1.15
            g.no_grid_snap(p)
            g.set_fonts(p.add_run(xml_safe(line)), font, size, bold=bold)


def _document_xml(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


ODD = Table(
    ("序号", "单位\n名称", "修改意见", "理由"),
    (
        (Cell("有修改意见", row_span=3), " 前导空格", "结尾空格 ", "制表\t符"),
        (None, "回车\r\n换行", "&<>\"'", Cell("单格")),
        (None, Cell("横跨两列", col_span=2), None, "\x01控制字符"),
        (Cell("两行两列\n第二行", row_span=2, col_span=2), None, "p", ""),
        (None, None, "短行"),
        (Cell("单行\r回车", row_span=2), "u", None, "v"),
        (None, Cell("多行\r\n回车", row_span=2), "w", "z"),
        ("a", None, "　全角　", "\r"),
        (Cell("盖住文字", row_span=2, col_span=2), "被盖住", "x", "y"),
        ("被盖住", "被盖住", "k", "l"),
    ),
    (10, 20, 30, 40),
    "标题",
)
THREE = Table(
    ("甲", "乙", "丙"), (("1", "2", "3"), (None, None, None), (Cell("合并", row_span=2), "a", "b"), (None, "c"))
)


@pytest.mark.parametrize("landscape", [False, True])
def test_the_table_xml_is_what_the_cell_api_wrote(landscape: bool) -> None:
    doc = OfficialDocument(title="表格", blocks=(ODD, Paragraph("段落"), THREE), landscape=landscape)
    assert _document_xml(render_docx(doc)) == _document_xml(_ApiWriter(doc).render())


def test_a_large_adoption_like_table_is_the_same_too() -> None:
    rows: list[tuple[Cell | str | None, ...]] = []
    for unit in range(30):
        for n in range(4):
            first = unit == 0 and n == 0
            rows.append(
                (
                    Cell("有修改意见", row_span=120) if first else None,
                    Cell("市直部门", row_span=120) if first else None,
                    Cell(f"单位{unit}", row_span=4) if n == 0 else None,
                    f"第{n + 1}条意见\n附理由",
                    "予以采纳。",
                )
            )
    headers = ("回复意见类别", "回复单位类别", "单位", "修改意见", "采纳情况及理由")
    table = Table(headers, tuple(rows), (26, 32, 40, 90, 55))
    doc = OfficialDocument(title="采纳情况", blocks=(table,), landscape=True)
    assert _document_xml(render_docx(doc)) == _document_xml(_ApiWriter(doc).render())
