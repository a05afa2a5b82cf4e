"""A table's rows rendered to HTML (built in Python, not cell by cell in the template): spans, line
breaks, positions covered by a span, and every text escaped; a window of a long table's rows reads as
those rows of the whole table (spans cut at its edges)."""

from __future__ import annotations

from markupsafe import Markup

from documents.html_writer import TableWindow, render_html, window_rows
from documents.model import Cell, OfficialDocument, Table


def test_table_rows_render_spans_breaks_and_escapes() -> None:
    rows = (
        (Cell('a<b>&"x"\n第二行', row_span=2), "一\n\n三", None),
        (None, Cell("合并", col_span=2)),
    )
    html = render_html(OfficialDocument(title="表", blocks=(Table(("甲", "乙", "丙"), rows),)))
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    assert body == (
        "<tbody>\n"
        '<tr><td rowspan="2">a&lt;b&gt;&amp;&#34;x&#34;<br>第二行</td><td>一<br><br>三</td></tr>\n'
        '<tr><td colspan="2">合并</td></tr>\n'
    )


def test_an_empty_table_has_an_empty_body() -> None:
    html = render_html(OfficialDocument(title="表", blocks=(Table(("甲",), ()),)))
    assert "<tbody>\n</tbody>" in html


def _grid(rows: tuple[tuple[Cell | str | None, ...], ...]) -> list[list[str | None]]:
    """Each position's text as a reader sees it: a spanned cell's text wherever its span reaches."""
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            spans = (cell.row_span, cell.col_span) if isinstance(cell, Cell) else (1, 1)
            text = cell.text if isinstance(cell, Cell) else cell
            for dr in range(spans[0]):
                for dc in range(spans[1]):
                    assert (r + dr, c + dc) not in grid, "no two cells cover one position"
                    grid[(r + dr, c + dc)] = text
            width = max(width, c + spans[1])
    for at in grid:
        assert at[0] < len(rows), "no span reaches past the last row"
    return [[grid.get((r, c)) for c in range(width)] for r in range(len(rows))]


def test_a_window_of_rows_reads_as_those_rows_of_the_whole_table() -> None:
    rows: tuple[tuple[Cell | str | None, ...], ...] = (
        (Cell("有修改意见", row_span=5), Cell("甲单位", row_span=2), "意见1", "采纳"),
        (None, None, "意见2", "不予采纳"),
        (None, Cell("乙单位", row_span=3), Cell("意见3（两列）", col_span=2), None),
        (None, None, "意见4", "部分采纳"),
        (None, None, Cell("意见5", row_span=2), "采纳"),
        (Cell("无修改意见"), "丙单位", None, "——"),
    )
    whole = _grid(rows)
    for start in range(len(rows)):
        for end in range(start + 1, len(rows) + 1):
            assert _grid(window_rows(rows, start, end)) == whole[start:end], (start, end)
    assert window_rows(rows, 0, len(rows)) == rows, "the whole window is the table as it is"


def test_windows_render_only_their_rows_between_the_markup_given() -> None:
    first = Table(("甲",), tuple((f"第{n}行",) for n in range(1, 8)))
    second = Table(("乙",), (("唯一",),))
    doc = OfficialDocument(title="表", blocks=(first, second))
    window = TableWindow(2, 4, Markup('<p id="above">上</p>'), Markup("<p>下</p>"))
    html = render_html(doc, windows={0: window, 5: window})  # a table that is not there is ignored
    body = html[html.index('<p id="above">') :]
    assert body.index("<table>") > 0 and body.index("</table>") < body.index("<p>下</p>")
    assert "第3行" in body and "第4行" in body and "第2行" not in html and "第5行" not in html
    assert "唯一" in html and html.count('id="above"') == 1
    assert render_html(doc, windows={}) == render_html(doc), "no windows: every row, as before"
