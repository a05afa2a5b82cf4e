"""Defence in depth: a character XML cannot carry never makes a document or a spreadsheet fail,
even if one reached the database before the boundary checks existed."""

from __future__ import annotations

import io
import zipfile

from docx import Document

from documents.docx_writer import render_docx
from documents.model import Cell, OfficialDocument, Paragraph, Table
from storage.models import Unit
from tests.support.scenario import DEMO_PROFILE
from workflow.reports.render import zip_entry_name
from workflow.reports.units_export import export_units


def test_a_comment_with_control_characters_still_renders() -> None:
    doc = OfficialDocument(
        title="采纳情况\x00表",
        blocks=(
            Paragraph("意见\x0b\x01正文"),
            Table(headers=("单位", "意见"), rows=((Cell("交通\x1f局"), "建议\x0b修改\n第二行"),)),
        ),
        doc_number="孝安办函〔2026〕1\x00号",
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(render_docx(doc))).paragraphs)
    assert "意见正文" in text


def test_the_units_spreadsheet_survives_a_control_character() -> None:
    unit = Unit(
        office_id=1,
        name="交通\x01运输局",
        category="member_unit",
        aliases="[]",
        contact="王\x07五",
        phone="",
        email="",
        webhook="",
    )
    data = export_units([unit], "xlsx", DEMO_PROFILE)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def test_zip_entry_names_cannot_climb_or_hide() -> None:
    for name in ("回复表-../../../../x.html", "a/b\\c", "..", "单位\x00名", " .hidden"):
        safe = zip_entry_name(name)
        assert "/" not in safe and "\\" not in safe and ".." not in safe and "\x00" not in safe, safe
        assert safe and not safe.startswith(".")
    assert zip_entry_name("市交通运输局") == "市交通运输局"
