"""A table as long as a big round's adoption table renders: a column span over 1,500 rows (the 有修改意见 group
of a round with hundreds of units) once overflowed Python's stack in python-docx's merge (issue 13)."""

from __future__ import annotations

import io
import zipfile

from documents.docx_writer import render_docx
from documents.model import Cell, OfficialDocument, Table

ROWS = 1500


def test_a_column_span_over_1500_rows_renders_as_one_merged_cell() -> None:
    rows = tuple((Cell("有修改意见", row_span=ROWS) if n == 0 else None, f"第{n + 1}条意见") for n in range(ROWS))
    table = Table(headers=("类别", "意见"), rows=rows)
    data = render_docx(OfficialDocument(title="征求意见采纳情况表", blocks=(table,)))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert xml.count('<w:vMerge w:val="restart"/>') == 1, "the span starts once"
    assert xml.count("<w:vMerge/>") == ROWS - 1, "every other row of the span continues it"
    assert xml.count("有修改意见") == 1 and f"第{ROWS}条意见" in xml
