"""A table's rows rendered to HTML (built in Python, not cell by cell in the template): spans, line
breaks, positions covered by a span, and every text escaped."""

from __future__ import annotations

from documents.html_writer import render_html
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
