"""Word's automatic numbering (issue noted in the article-drafts work): a 规范性文件 whose 第X章/第X条 and
一、/（一） come from a multilevel list has those numbers only in numbering.xml, not in its text. The parser
puts them back the way Word counts them, so the draft's articles are found."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml import parse_xml

from workflow.parsing.draft_docx import parse_draft_docx

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# One list: level 0 第X章 (Chinese), level 1 第X条 (Chinese, numbered through the whole document, as
# legal texts are: lvlRestart 0), level 2 （X） for 项.
ABSTRACT = f"""<w:abstractNum {W} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="space"/>
    <w:lvlText w:val="第%1章"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlRestart w:val="0"/>
    <w:suff w:val="space"/><w:lvlText w:val="第%2条"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>
    <w:lvlText w:val="（%3）"/></w:lvl>
</w:abstractNum>"""
NUM = f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'
LEVEL_ONLY = f"""<w:abstractNum {W} w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="space"/>
    <w:lvlText w:val="第%1条"/></w:lvl>
</w:abstractNum>"""
NUM_STARTING_AT_FIVE = (
    f'<w:num {W} w:numId="91"><w:abstractNumId w:val="91"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>'
)


def _numbered(document, text: str, num_id: int, level: int) -> None:  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _docx(lines: list[tuple[str, int | None]], *, start_at_five: bool = False) -> bytes:
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(ABSTRACT if not start_at_five else LEVEL_ONLY))
    numbering.append(parse_xml(NUM if not start_at_five else NUM_STARTING_AT_FIVE))
    document.add_paragraph("某市城市绿化管理办法（征求意见稿）")
    for text, level in lines:
        if level is None:
            document.add_paragraph(text)
        else:
            _numbered(document, text, 91 if start_at_five else 90, level)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_auto_numbered_chapters_articles_and_items_are_read_as_word_shows_them() -> None:
    lines: list[tuple[str, int | None]] = [
        ("总则", 0),
        ("为了加强城市绿化管理，制定本办法。", 1),
        ("本办法适用于本市城市规划区内的绿化工作。", 1),
        ("管理", 0),
        ("有下列情形之一的，不得占用绿地：", 1),
        ("擅自砍伐树木；", 2),
        ("损毁绿化设施。", 2),
        ("违反本办法第三条规定的，依法处理。", 1),
    ]
    parsed = parse_draft_docx(_docx(lines))
    labels = [item.label for item in parsed.items]
    assert labels[:3] == ["第一章", "第一条", "第二条"], labels
    assert "第三条" in labels and "第四条" in labels, "articles are numbered through the chapters"
    assert "第二章" in labels
    body = "\n".join(parsed.body)
    assert "第三条 有下列情形之一的" in body and "（一）擅自砍伐树木" in body and "（二）损毁绿化设施" in body
    assert "第四条 违反本办法第三条规定的" in body, "a cross-reference in the text stays text"


def test_a_list_that_starts_at_five_counts_from_five() -> None:
    parsed = parse_draft_docx(_docx([("甲。", 0), ("乙。", 0)], start_at_five=True))
    assert [item.label for item in parsed.items][:2] == ["第五条", "第六条"]


def test_a_draft_without_automatic_numbering_reads_as_before() -> None:
    typed: list[tuple[str, int | None]] = [
        ("第一条　为了加强管理，制定本办法。", None),
        ("第二条　本办法自公布之日起施行。", None),
    ]
    parsed = parse_draft_docx(_docx(typed))
    assert [item.label for item in parsed.items] == ["第一条", "第二条"]
