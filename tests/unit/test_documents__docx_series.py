"""Many documents that differ only in a few words (a round's reply forms): laid out once and filled in per
document, each is the document ``render_docx`` makes of it afresh, part for part (issue 13)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest

from documents import docx_writer
from documents.docx_writer import render_docx, render_docx_series
from documents.model import Heading, KeyValue, OfficialDocument, Paragraph, SealBox, Table


def _parts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def _form(name: str, contact: str, phone: str, note: str = "请于3月5日前反馈。") -> OfficialDocument:
    return OfficialDocument(
        title="《某通知（代拟稿）》征求意见回复表",
        blocks=(
            KeyValue((("单位名称（盖章）", name),)),
            KeyValue((("联系人", contact or "　" * 4), ("电话", phone or "　" * 6))),
            Table(("序号", "条目", "修改意见", "依据", "理由"), (("1", "", "", "", ""),), (12, 30, 58, 28, 28)),
            Paragraph(note, indent_first_line=False),
            SealBox("（单位盖章）　　年　　月　　日"),
        ),
        kind_label="回复表",
        attachment_label="附件3",
    )


FORMS = [
    _form("　" * 8, "", ""),  # the blank form first: every other one is filled in from it
    _form("交通运输局", "张三", "0358-1234567"),
    _form(" 前后有空格的单位 ", "李\t四", ""),
    _form("A&B <单位>", "", "1\r2"),
    _form("\x01控制字符单位", "王五", "0358"),
    _form("交通运输局", "张三", "0358-1234567", note="另一段说明。"),  # a paragraph's words differ too
    _form("　" * 8, "", ""),  # back to the first one's words
    replace(_form("标题不同", "", ""), title="另一个标题"),  # not a difference of words: rendered afresh
    replace(_form("x", "", ""), blocks=(Heading("标题"),)),  # other blocks
    replace(_form("加粗", "", ""), blocks=(*_form("加粗", "", "").blocks[:3], Paragraph("请于", bold=True), SealBox())),
    _form("最后一个单位", "赵六", "0358-7654321"),
]


def test_each_document_of_a_series_is_the_document_rendered_afresh() -> None:
    series = list(render_docx_series(FORMS))
    assert len(series) == len(FORMS)
    for doc, data in zip(FORMS, series, strict=True):
        assert _parts(data) == _parts(render_docx(doc)), doc.blocks[0]


def test_the_parts_keep_their_names_and_content_types_come_first() -> None:
    data = list(render_docx_series(FORMS[:2]))[1]
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names[0] == "[Content_Types].xml"
    assert sorted(names) == sorted(zipfile.ZipFile(io.BytesIO(render_docx(FORMS[1]))).namelist())


def test_only_documents_that_differ_in_more_than_words_are_laid_out_again(monkeypatch: pytest.MonkeyPatch) -> None:
    afresh: list[str] = []

    def counted(doc: OfficialDocument) -> bytes:
        afresh.append(doc.title)
        return render_docx(doc)

    monkeypatch.setattr(docx_writer, "render_docx", counted)
    list(render_docx_series(FORMS))
    assert len(afresh) == 3, "another title, other blocks, a bold paragraph"
