"""The letter's attachments can be downloaded wherever the letter can: the round page's links, the API's
documents route, one ZIP with the letter and its attachments, and the unit's own page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from docx import Document
from sqlalchemy import Engine

from tests.support.web import WebWorld, build_world, login

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _filename(response) -> str:  # type: ignore[no-untyped-def]
    return unquote(response.headers["content-disposition"].split("filename*=UTF-8''")[1])


def test_the_round_page_offers_the_letter_with_its_attachments(world: WebWorld) -> None:
    client = world.client()
    login(client, "zhaojian")
    page = client.get(f"/rounds/{world.round_id}").text
    for kind in ("letter", "letter-package", "draft", "task-table", "reply-form"):
        assert f"/rounds/{world.round_id}/documents/{kind}.docx" in page
    package = client.get(f"/rounds/{world.round_id}/documents/letter-package.docx")
    assert package.status_code == 200 and package.headers["content-type"] == "application/zip"
    assert _filename(package) == "孝安办函〔2026〕1号征求意见函及附件.zip"
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        assert archive.namelist() == [
            "孝安办函〔2026〕1号.docx",
            "附件1-测试文稿1（代拟稿）.docx",
            "附件2-测试文稿1（重点任务分工）.docx",
            "附件3-《测试文稿1（代拟稿）》征求意见回复表.docx",
        ]
        form = Document(io.BytesIO(archive.read("附件3-《测试文稿1（代拟稿）》征求意见回复表.docx")))
        assert form.paragraphs[0].text == "附件3"


def test_the_api_serves_each_attachment(world: WebWorld) -> None:
    client = world.client()
    login(client, "zhaojian")
    base = f"/api/v1/rounds/{world.round_id}/documents"
    draft = client.get(f"{base}/draft", params={"format": "docx"})
    assert draft.status_code == 200 and draft.headers["content-type"] == DOCX
    text = "\n".join(p.text for p in Document(io.BytesIO(draft.content)).paragraphs)
    assert text.startswith("附件1\n") and "1.加强理论学习。" in text
    table = client.get(f"{base}/task-table", params={"format": "docx"})
    assert table.status_code == 200
    assert [c.text for c in Document(io.BytesIO(table.content)).tables[0].rows[0].cells][:2] == ["序号", "任务"]
    html = client.get(f"{base}/task-table", params={"format": "html"})
    assert html.status_code == 200 and "测试文稿1（重点任务分工）" in html.text
    as_json = client.get(f"{base}/letter", params={"format": "json"}).json()
    assert as_json["layout"] == "letter" and as_json["attachments"][1] == "测试文稿1（重点任务分工）"
    refused = client.get(f"{base}/letter-package", params={"format": "md"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "REPORT_FORMAT_INVALID"


def test_the_unit_downloads_the_letter_from_its_own_page(world: WebWorld) -> None:
    client = world.client()
    token = world.token("测试单位001")
    page = client.get(f"/r/{token}").text
    assert f"/r/{token}/letter.docx" in page
    letter = client.get(f"/r/{token}/letter.docx")
    assert letter.status_code == 200 and letter.headers["content-type"] == DOCX
    document = Document(io.BytesIO(letter.content))
    assert document.sections[0].first_page_header.paragraphs[0].text == "孝义市安全生产委员会办公室"
