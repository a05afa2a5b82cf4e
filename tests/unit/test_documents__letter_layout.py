"""The 信函格式 of GB/T 9704-2012 §10.1 in the DOCX and HTML writers: the issuer mark in page 1's own header
with a red double line under it (thick over thin), 170 mm long; the number flush right under it; a closing
red double line (thin over thick) 20 mm above the bottom edge; no page number on page 1, page numbers after."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from documents.docx_writer import render_docx
from documents.html_writer import render_html
from documents.model import OfficialDocument, Paragraph

LETTER = OfficialDocument(
    title="示例市某某办公室关于对《示例市人民政府关于做好年度重点工作的通知（代拟稿）》征求意见的函",
    blocks=tuple(Paragraph("示例段落。" * 40) for _ in range(6)),  # long enough for a second page
    issuer_mark="示例市某某办公室",
    doc_number="示例办函〔2026〕1号",
    addressee="各有关单位：",
    signature="示例市某某办公室",
    date=date(2026, 3, 2),
    attachments=("附件一", "附件二"),
    layout="letter",
)


@pytest.fixture(scope="module")
def docx() -> Document:  # type: ignore[valid-type]
    return Document(io.BytesIO(render_docx(LETTER)))


def _border(paragraph, edge: str):  # type: ignore[no-untyped-def]
    borders = paragraph._p.pPr.find(qn("w:pBdr"))
    return None if borders is None else borders.find(qn(f"w:{edge}"))


def test_issuer_mark_heads_page_one_with_a_thick_over_thin_red_double_line(docx) -> None:  # type: ignore[no-untyped-def]
    section = docx.sections[0]
    assert section.different_first_page_header_footer, "page 1 has its own header and footer"
    assert abs(section.header_distance - Mm(30)) < Mm(0.5), "the mark's top edge 30 mm from the top of the page"
    mark = section.first_page_header.paragraphs[0]
    assert mark.text == "示例市某某办公室" and mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = mark.runs[0]
    assert run._r.rPr.find(qn("w:color")).get(qn("w:val")) == "C00000"
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    rule = _border(mark, "bottom")
    # under a paragraph, "thickThin" draws the thick line nearer the text: thick above thin (上粗下细)
    assert rule is not None and rule.get(qn("w:val")) == "thickThinSmallGap"
    assert rule.get(qn("w:color")) == "C00000"
    assert abs(int(rule.get(qn("w:space"))) - 11) <= 1, "4 mm (11 pt) below the mark"
    fmt = mark.paragraph_format
    width = section.page_width - section.left_margin - section.right_margin - fmt.left_indent - fmt.right_indent
    assert abs(width - Mm(170)) < Mm(0.5), "the line is 170 mm long, centred"


def test_number_flush_right_under_the_line_then_the_title(docx) -> None:  # type: ignore[no-untyped-def]
    first, *rest = [p for p in docx.paragraphs]
    assert first.text == "示例办函〔2026〕1号" and first.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert _border(first, "bottom") is None, "no single separator under the number (that is the 文件格式)"
    assert [p.text for p in rest[:3]] == ["", "", LETTER.title], "the title two lines below the number"
    assert "示例市某某办公室" not in [p.text for p in rest[:3]], "the mark is in the header, not the body"


def test_no_page_number_on_page_one_and_a_closing_thin_over_thick_line(docx) -> None:  # type: ignore[no-untyped-def]
    section = docx.sections[0]
    footer = section.first_page_footer
    assert "PAGE" not in footer._element.xml, "首页不显示页码"
    rule = _border(footer.paragraphs[0], "top")
    # over a paragraph, "thickThin" draws the thick line nearer the text, below: thin above thick (上细下粗)
    assert rule is not None and rule.get(qn("w:val")) == "thickThinSmallGap" and rule.get(qn("w:color")) == "C00000"
    assert abs(section.footer_distance - Mm(20)) < Mm(0.5), "20 mm above the bottom edge"
    for later in (section.footer, section.even_page_footer):
        assert "PAGE" in later._element.xml, "the following pages are numbered"


def test_a_document_keeps_the_file_layout(docx) -> None:  # type: ignore[no-untyped-def]
    plain = Document(io.BytesIO(render_docx(OfficialDocument(title="x", blocks=(), doc_number="示例发〔2026〕1号"))))
    assert not plain.sections[0].different_first_page_header_footer
    assert plain.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_html_preview_has_the_same_layout() -> None:
    html = render_html(LETTER)
    head = html.index('class="issuer"')
    assert head < html.index('class="rule rule-head"') < html.index('class="number"') < html.index("<h1>")
    assert 'class="rule rule-foot"' in html and "layout-letter" in html
    assert ".rule-head { border-top-width: 2.25pt; border-bottom-width: .75pt;" in html  # thick over thin
    assert ".rule-foot { border-top-width: .75pt; border-bottom-width: 2.25pt;" in html  # thin over thick
