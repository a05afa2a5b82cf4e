"""GB/T 9704-2012 layout of the DOCX writer, checked by reading the file back with python-docx,
plus the HTML and Markdown writers' escaping."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from documents.docx_writer import render_docx
from documents.html_writer import render_html
from documents.md_writer import render_markdown
from documents.model import Cell, Heading, OfficialDocument, Paragraph, Table, normalize_doc_number

DOC = OfficialDocument(
    title="关于对《孝义市人民政府关于做好2023年安全生产工作的通知（代拟稿）》征求意见的函",
    issuer_mark="孝义市安全生产委员会办公室",
    doc_number="孝安办函〔2023〕1号",
    addressee="各乡镇人民政府、街道办事处，市安委会各有关成员单位：",
    blocks=(
        Heading("一、总体要求", 1),
        Heading("（一）工作目标", 2),
        Paragraph("修改意见要有依据、理由充分。<script>alert(1)</script>"),
        Table(
            ("回复意见类别", "单位", "意见"),
            (
                (Cell("有修改意见", row_span=2), "交通运输局", "增加|邮递"),
                (None, "住建局", "不予采纳"),
                ("无修改意见", "市城管局", ""),
            ),
            (30, 40, 86),
        ),
    ),
    signature="孝义市安全生产委员会办公室",
    date=date(2023, 2, 17),
    attachments=("代拟稿", "重点任务分工"),
)


@pytest.fixture(scope="module")
def docx() -> Document:  # type: ignore[valid-type]
    return Document(io.BytesIO(render_docx(DOC)))


def _east_asia(run) -> str:  # type: ignore[no-untyped-def]
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def test_page_setup(docx) -> None:  # type: ignore[no-untyped-def]
    section = docx.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    assert abs(section.top_margin - Mm(37)) <= Mm(1) and abs(section.left_margin - Mm(28)) <= Mm(1)
    assert abs(section.page_width - section.left_margin - section.right_margin - Mm(156)) <= Mm(1)
    assert abs(section.page_height - section.top_margin - section.bottom_margin - Mm(225)) <= Mm(1)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "580"  # 225 mm / 22 lines = 29 pt
    spacing = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert spacing.find(qn("w:spacing")).get(qn("w:val")) == "-4"  # 156 mm / 28 characters


def test_fonts_and_sizes(docx) -> None:  # type: ignore[no-untyped-def]
    paragraphs = [p for p in docx.paragraphs if p.runs]
    by_text: dict[str, object] = {}
    for p in paragraphs:
        by_text.setdefault(p.text, p)  # first occurrence: the issuer mark, not the signature
    mark = by_text["孝义市安全生产委员会办公室"].runs[0]
    assert _east_asia(mark) == "方正小标宋简体" and mark._r.rPr.find(qn("w:color")).get(qn("w:val")) == "C00000"
    title = by_text[DOC.title].runs[0]
    assert _east_asia(title) == "方正小标宋简体" and title.font.size == Pt(22)
    body = by_text["修改意见要有依据、理由充分。<script>alert(1)</script>"].runs[0]
    assert _east_asia(body) == "仿宋_GB2312" and body.font.size == Pt(16)
    assert _east_asia(by_text["一、总体要求"].runs[0]) == "黑体"
    assert _east_asia(by_text["（一）工作目标"].runs[0]) == "楷体_GB2312"
    assert by_text["孝安办函〔2023〕1号"]._p.pPr.find(qn("w:pBdr")) is not None  # red separator line
    assert "2023年2月17日" in by_text and "附件：1. 代拟稿" in by_text


def test_fallback_font_is_declared(docx) -> None:  # type: ignore[no-untyped-def]
    font_table = next(r.target_part for r in docx.part.rels.values() if r.reltype.endswith("/fontTable"))
    assert "仿宋_GB2312".encode() in font_table.blob and "仿宋".encode() in font_table.blob


def test_page_numbers_odd_right_even_left(docx) -> None:  # type: ignore[no-untyped-def]
    assert docx.settings.odd_and_even_pages_header_footer
    section = docx.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        assert p.alignment is not None and p.alignment.name.lower() == align
        xml = p._p.xml
        assert "PAGE" in xml and p.text.startswith("— ") and p.text.endswith(" —")
        assert _east_asia(p.runs[0]) == "宋体" and p.runs[0].font.size == Pt(14)


def test_tables_have_borders_repeat_headers_and_merges(docx) -> None:  # type: ignore[no-untyped-def]
    table = docx.tables[0]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.tag.split("}")[1] for b in borders} == {"top", "left", "bottom", "right", "insideH", "insideV"}
    assert all(b.get(qn("w:val")) == "single" for b in borders)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in table.rows[0].cells] == ["回复意见类别", "单位", "意见"]
    assert table.cell(1, 0)._tc is table.cell(2, 0)._tc  # vertically merged
    assert table.cell(1, 0).text == "有修改意见"
    assert table.cell(1, 2).text == "增加|邮递"


def test_doc_numbers_use_hexagonal_brackets() -> None:
    assert normalize_doc_number("孝政发[2023]1号") == "孝政发〔2023〕1号"
    assert normalize_doc_number("孝政发（2023）1号") == "孝政发〔2023〕1号"
    with pytest.raises(ValueError):
        OfficialDocument(title="x", blocks=(), doc_number="孝政发[2023]1号")


def test_html_escapes_and_keeps_spans() -> None:
    html = render_html(DOC)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'rowspan="2"' in html and "@page" in html and 'lang="zh-CN"' in html


def test_markdown_tables_escape_pipes() -> None:
    md = render_markdown(DOC)
    assert "| 有修改意见 | 交通运输局 | 增加\\|邮递 |" in md
    assert "|  | 住建局 | 不予采纳 |" in md
    assert md.splitlines()[0] == "**孝义市安全生产委员会办公室**"
