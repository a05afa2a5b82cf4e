"""印发 with the signed final document (issue 11): uploaded at issue or later (PDF, DOCX or OFD, checked for
what it claims to be, under the pages' upload cap), kept with its SHA-256, audited, downloadable from the
round page and the reviewer's page, and in the archive; the 印发文号 on the round page, the dashboard row
and the reviewer's page."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import Engine

from storage.uow import UnitOfWork
from tests.e2e.test_web__first_day import REVIEWER
from tests.support.cli import table_counts
from tests.support.scenario import STAFF
from tests.support.web import WebWorld, build_world, decided_round, login
from workflow.services.audit import export_events
from workflow.services.review import record_review, submit_review

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NUMBER = "孝政发〔2026〕3号"


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _approved(world: WebWorld) -> None:
    decided_round(world)
    with UnitOfWork(world.engine) as uow:
        submit_review(uow, world.clock, STAFF, world.round_id)
    with UnitOfWork(world.engine) as uow:
        record_review(uow, world.clock, REVIEWER, world.round_id, approve=True, reviewer="市司法局", opinion="同意。")


def _docx() -> bytes:
    out = io.BytesIO()
    document = Document()
    document.add_paragraph("孝义市人民政府关于做好安全生产工作的通知")
    document.save(out)
    return out.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def _error(html: str, field: str) -> str:
    found = re.search(rf'data-error-for="{field}">([^<]*)<', html)
    return found.group(1) if found else ""


def test_issue_with_the_signed_pdf_keeps_it_with_its_hash_for_staff_and_reviewer(world: WebWorld) -> None:
    _approved(world)
    staff = world.client()
    csrf = login(staff, "zhaojian")
    issued = staff.post(
        f"/rounds/{world.round_id}/issue",
        data={"csrf_token": csrf, "doc_number": NUMBER},
        files={"signed": ("孝政发〔2026〕3号（盖章）.pdf", PDF, "application/pdf")},
    )
    assert issued.status_code == 303, issued.text
    digest = hashlib.sha256(PDF).hexdigest()
    with UnitOfWork(world.engine) as uow:
        [row] = uow.process.signed_documents(world.round_id)
        events = [e for e in export_events(uow, world.round_id) if e["action"] == "draft.issued"]
    assert (row.sha256, row.doc_number, row.uploaded_by) == (digest, NUMBER, "赵健")
    assert row.content_type == "application/pdf"
    assert events[0]["payload"]["signed_sha256"] == digest, "the issue event names the file it was issued with"
    page = staff.get(f"/rounds/{world.round_id}").text
    assert page.index(f'data-testid="issued-number-top">{NUMBER}<') < page.index("文稿状态"), "the number leads"
    assert f'href="/rounds/{world.round_id}/signed/{row.id}"' in page and digest in page
    reviewer = world.client()
    login(reviewer, "sfj")
    review_page = reviewer.get(f"/review/rounds/{world.round_id}").text
    assert f'data-testid="issued-number">{NUMBER}<' in review_page and digest in review_page
    assert NUMBER in reviewer.get("/review").text
    download = reviewer.get(f"/rounds/{world.round_id}/signed/{row.id}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["x-content-sha256"] == digest and download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    board = staff.get("/").text
    assert f'data-testid="issued-number">印发：{NUMBER}<' in board
    assert "共1轮" in staff.get("/", params={"q": "孝政发〔2026〕3"}).text, "found by its 印发文号"


def test_a_file_that_is_not_what_it_claims_is_refused_beside_the_field_and_nothing_is_issued(world: WebWorld) -> None:
    _approved(world)
    staff = world.client()
    csrf = login(staff, "zhaojian")
    before = table_counts(world.engine)
    cases = [
        ("照片.pdf", b"\x89PNG\r\n\x1a\n....", "不是有效的PDF 文件"),
        ("正式文件.docx", _zip({"[Content_Types].xml": b"<Types/>"}), "不是有效的Word 文件"),
        ("正式文件.ofd", b"not a zip at all", "不是有效的OFD 文件"),
        ("正式文件.exe", PDF, "不允许"),
        ("空.pdf", b"", "空"),
        ("炸弹.docx", _zip({"word/document.xml": b'<!DOCTYPE x [<!ENTITY a "b">]><w/>'}), "DOCTYPE"),
    ]
    for name, data, said in cases:
        refused = staff.post(
            f"/rounds/{world.round_id}/issue",
            data={"csrf_token": csrf, "doc_number": NUMBER},
            files={"signed": (name, data, "application/octet-stream")},
        )
        assert refused.status_code == 422, (name, refused.status_code)
        assert said in _error(refused.text, "signed"), (name, _error(refused.text, "signed"))
        assert f'value="{NUMBER}"' in refused.text, "the number typed is kept"
        assert 'class="error-code">错误代码：' in refused.text
    assert table_counts(world.engine) == before, "nothing issued, nothing stored"
    bad_number = staff.post(
        f"/rounds/{world.round_id}/issue",
        data={"csrf_token": csrf, "doc_number": "第三号"},
        files={"signed": ("a.pdf", PDF, "application/pdf")},
    )
    assert bad_number.status_code == 422 and _error(bad_number.text, "doc_number")
    assert table_counts(world.engine) == before


def test_the_signed_document_can_follow_the_number_and_every_upload_is_kept(world: WebWorld) -> None:
    _approved(world)
    staff = world.client()
    csrf = login(staff, "zhaojian")
    early = staff.post(
        f"/rounds/{world.round_id}/signed",
        data={"csrf_token": csrf},
        files={"signed": ("a.pdf", PDF, "application/pdf")},
    )
    assert early.status_code == 409 and "印发后才能上传" in early.text
    issued = staff.post(f"/rounds/{world.round_id}/issue", data={"csrf_token": csrf, "doc_number": NUMBER})
    assert issued.status_code == 303, "the number first, without the file"
    page = staff.get(f"/rounds/{world.round_id}").text
    assert 'data-testid="signed-missing"' in page and 'id="signed-upload"' in page
    ofd = _zip({"OFD.xml": b'<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'})
    for name, data in (("正式文件.docx", _docx()), ("正式文件（盖章）.ofd", ofd)):
        upload = {"signed": (name, data)}
        stored = staff.post(f"/rounds/{world.round_id}/signed", data={"csrf_token": csrf}, files=upload)
        assert stored.status_code == 303 and stored.headers["location"].endswith("ok=signed_stored"), stored.text
    missing = staff.post(f"/rounds/{world.round_id}/signed", data={"csrf_token": csrf})
    assert missing.status_code == 422 and _error(missing.text, "signed") == "请选择要上传的文件。"
    with UnitOfWork(world.engine) as uow:
        rows = uow.process.signed_documents(world.round_id)
        stored_events = [e for e in export_events(uow, world.round_id) if e["action"] == "draft.signed_stored"]
    assert [r.filename for r in rows] == ["正式文件（盖章）.ofd", "正式文件.docx"], "newest first, both kept"
    assert [e["payload"]["sha256"] for e in stored_events] == [rows[1].sha256, rows[0].sha256]
    assert rows[0].content_type == "application/ofd" and rows[0].doc_number == NUMBER
    audit = staff.get(f"/rounds/{world.round_id}?tab=audit").text
    assert "上传签发的正式文件" in audit
    archive = staff.post(f"/rounds/{world.round_id}/archive", data={"csrf_token": csrf})
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        names = set(z.namelist())
        assert z.read(f"issue/signed/{rows[0].id}-正式文件（盖章）.ofd") == ofd
    assert "issue/signed.json" in names
    reviewer = world.client()
    reviewer_csrf = login(reviewer, "sfj")
    refused = reviewer.post(
        f"/rounds/{world.round_id}/signed", data={"csrf_token": reviewer_csrf}, files={"signed": ("a.pdf", PDF)}
    )
    assert refused.status_code == 403, "the reviewer reads, staff upload"
    assert staff.get(f"/rounds/{world.round_id}/signed/999").status_code == 404
