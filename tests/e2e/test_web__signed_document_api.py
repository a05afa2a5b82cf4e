"""The signed final document (签发的正式文件) through the JSON API, on SQLite and PostgreSQL: uploaded with the
印发文号 or afterwards, listed without its bytes in the round's JSON, downloaded with its SHA-256; a file that
is not what it claims (or too big, or of a type not allowed) is refused with its code and nothing changes.
And the unit's own reply page (/r/<token>): once issued, the 印发文号 and date, and the signed document
through the link, without an account."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kernel.timefmt import cn_date
from storage.models import SignedDocument
from storage.uow import UnitOfWork
from tests.e2e.test_web__first_day import ENGLISH_STATES, _visible_text
from tests.e2e.test_web__signed_document import NUMBER, PDF, _approved, _docx, _zip
from tests.support.cli import table_counts
from tests.support.scenario import new_round
from tests.support.web import WebWorld, build_world, login
from workflow.services.audit import export_events


@pytest.fixture
def world(engine: Engine, db_url: str, tmp_path: Path) -> WebWorld:
    return build_world(engine, db_url, tmp_path)


def _staff(world: WebWorld) -> tuple[TestClient, dict[str, str]]:
    client = world.client()
    return client, {"X-CSRF-Token": login(client, "zhaojian")}


def _draft_state(world: WebWorld) -> str:
    with UnitOfWork(world.engine) as uow:
        rnd = uow.rounds.get(world.round_id)
        draft = uow.drafts.get(rnd.draft_id) if rnd else None
        return str(draft.state) if draft else ""


def test_issue_with_the_signed_file_then_a_later_upload_both_listed_and_downloaded(world: WebWorld) -> None:
    _approved(world)
    staff, h = _staff(world)
    rid = world.round_id
    before = table_counts(world.engine)
    early = staff.post(f"/api/v1/rounds/{rid}/signed", headers=h, files={"signed": ("a.pdf", PDF, "application/pdf")})
    assert early.status_code == 409 and early.json()["error"]["code"] == "SIGNED_DOCUMENT_NOT_ISSUED"
    assert table_counts(world.engine) == before

    issued = staff.post(
        f"/api/v1/rounds/{rid}/issue/signed",
        headers=h,
        data={"doc_number": NUMBER},
        files={"signed": ("孝政发〔2026〕3号（盖章）.pdf", PDF, "application/pdf")},
    )
    assert issued.status_code == 201, issued.text
    body = issued.json()
    pdf_digest = hashlib.sha256(PDF).hexdigest()
    assert (body["doc_number"], body["state"]) == (NUMBER, "issued")
    assert body["signed"]["sha256"] == pdf_digest and body["signed"]["doc_number"] == NUMBER
    assert body["signed"]["content_type"] == "application/pdf" and body["signed"]["uploaded_by"] == "赵健"

    docx = _docx()
    later = staff.post(f"/api/v1/rounds/{rid}/signed", headers=h, files={"signed": ("正式文件.docx", docx)})
    assert later.status_code == 201, later.text
    stored = later.json()
    assert stored["filename"] == "正式文件.docx" and stored["doc_number"] == NUMBER
    assert stored["sha256"] == hashlib.sha256(docx).hexdigest() and stored["size"] == len(docx)

    status = staff.get(f"/api/v1/rounds/{rid}").json()
    assert status["round"]["issued_doc_number"] == NUMBER
    assert status["round"]["issued_at"].endswith("+08:00")
    listed = status["signed_documents"]
    assert [d["id"] for d in listed] == [stored["id"], body["signed"]["id"]], "newest first, both kept"
    assert all("data" not in d for d in listed), "the bytes are downloaded, never in the JSON"

    reviewer = world.client()
    reviewer_h = {"X-CSRF-Token": login(reviewer, "sfj")}
    for client in (staff, reviewer):
        download = client.get(f"/api/v1/rounds/{rid}/signed/{body['signed']['id']}")
        assert download.status_code == 200 and download.content == PDF
        assert download.headers["x-content-sha256"] == pdf_digest
        assert download.headers["content-type"] == "application/pdf"
        assert "attachment" in download.headers["content-disposition"]
    assert staff.get(f"/api/v1/rounds/{rid}/signed/{stored['id']}").content == docx
    missing = staff.get(f"/api/v1/rounds/{rid}/signed/999999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "SIGNED_DOCUMENT_NOT_FOUND"
    refused = reviewer.post(f"/api/v1/rounds/{rid}/signed", headers=reviewer_h, files={"signed": ("a.pdf", PDF)})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "FORBIDDEN", "the reviewer reads"
    no_csrf = staff.post(f"/api/v1/rounds/{rid}/signed", files={"signed": ("a.pdf", PDF)})
    assert no_csrf.status_code == 403 and no_csrf.json()["error"]["code"] == "CSRF_INVALID"

    with UnitOfWork(world.engine) as uow:
        events = export_events(uow, rid)
    issue_event = next(e for e in events if e["action"] == "draft.issued")
    assert issue_event["payload"]["signed_sha256"] == pdf_digest
    assert [e["payload"]["sha256"] for e in events if e["action"] == "draft.signed_stored"] == [stored["sha256"]]


def test_a_bad_file_is_refused_with_its_code_and_nothing_changes(world: WebWorld) -> None:
    _approved(world)
    staff, h = _staff(world)
    rid = world.round_id
    cases = [
        ("照片.pdf", b"\x89PNG\r\n\x1a\n....", 422, "SIGNED_DOCUMENT_INVALID"),
        ("正式文件.docx", _zip({"[Content_Types].xml": b"<Types/>"}), 422, "SIGNED_DOCUMENT_INVALID"),
        ("正式文件.ofd", b"not a zip at all", 422, "SIGNED_DOCUMENT_INVALID"),
        ("正式文件.exe", PDF, 422, "UPLOAD_TYPE_INVALID"),
        ("空.pdf", b"", 422, "UPLOAD_EMPTY"),
        ("大.pdf", b"%PDF-1.4\n" + b"0" * (10 * 2**20), 413, "UPLOAD_TOO_LARGE"),
    ]
    before = table_counts(world.engine)
    for name, data, status, code in cases:
        answer = staff.post(
            f"/api/v1/rounds/{rid}/issue/signed", headers=h, data={"doc_number": NUMBER}, files={"signed": (name, data)}
        )
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), (name, answer.text[:300])
    without = staff.post(f"/api/v1/rounds/{rid}/issue/signed", headers=h, data={"doc_number": NUMBER})
    assert without.status_code == 422 and without.json()["error"]["code"] == "REQUEST_INVALID"
    assert table_counts(world.engine) == before, "nothing issued, nothing stored"
    assert _draft_state(world) == "approved"

    assert staff.post(f"/api/v1/rounds/{rid}/issue", headers=h, json={"doc_number": NUMBER}).status_code == 200
    before = table_counts(world.engine)
    for name, data, status, code in cases:
        answer = staff.post(f"/api/v1/rounds/{rid}/signed", headers=h, files={"signed": (name, data)})
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), (name, answer.text[:300])
    bomb = _zip({"word/document.xml": b'<!DOCTYPE x [<!ENTITY a "b">]><w/>'})
    unsafe = staff.post(f"/api/v1/rounds/{rid}/signed", headers=h, files={"signed": ("炸弹.docx", bomb)})
    assert unsafe.status_code == 422 and "DOCTYPE" in unsafe.json()["error"]["message"]
    assert table_counts(world.engine) == before, "no file kept, no audit event"
    assert staff.get(f"/api/v1/rounds/{rid}").json()["signed_documents"] == []


def test_the_unit_sees_the_issued_number_and_downloads_the_signed_document_with_its_link(world: WebWorld) -> None:
    token = world.token("测试单位001")
    unit = world.client()
    assert 'data-testid="issued"' not in unit.get(f"/r/{token}").text, "nothing before 印发"
    _approved(world)
    staff, h = _staff(world)
    issued = staff.post(f"/api/v1/rounds/{world.round_id}/issue", headers=h, json={"doc_number": NUMBER})
    assert issued.status_code == 200
    issued_on = cn_date(world.clock.now())

    page = unit.get(f"/r/{token}")
    assert page.status_code == 200
    assert f'data-testid="issued-number">{NUMBER}<' in page.text
    assert f'data-testid="issued-date">{issued_on}<' in page.text
    assert 'data-testid="unit-signed-missing"' in page.text, "the number before the sealed file comes back"
    text = _visible_text(page.text)
    assert not ENGLISH_STATES.search(text), ENGLISH_STATES.search(text)

    ofd = _zip({"OFD.xml": b'<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'})
    stored = staff.post(f"/api/v1/rounds/{world.round_id}/signed", headers=h, files={"signed": ("正式文件.ofd", ofd)})
    document_id = stored.json()["id"]
    page = unit.get(f"/r/{token}").text
    assert f'href="/r/{token}/signed/{document_id}"' in page and "正式文件.ofd" in page
    text = _visible_text(page)
    assert not ENGLISH_STATES.search(text), ENGLISH_STATES.search(text)
    assert "cf_session" not in unit.cookies, "no account, no session: the link is the credential"
    download = unit.get(f"/r/{token}/signed/{document_id}")
    assert download.status_code == 200 and download.content == ofd
    assert download.headers["content-type"] == "application/ofd"
    assert download.headers["x-content-sha256"] == hashlib.sha256(ofd).hexdigest()

    linked = unit.get(f"/api/v1/links/{token}").json()
    assert linked["issued_doc_number"] == NUMBER and linked["issued_at"].endswith("+08:00")
    assert [d["id"] for d in linked["signed_documents"]] == [document_id]
    assert unit.get(f"/api/v1/links/{token}/signed/{document_id}").content == ofd

    missing = unit.get(f"/r/{token}/signed/999999")
    assert missing.status_code == 404 and "没有这份签发的正式文件" in missing.text
    wrong = unit.get(f"/r/{'x' * len(token)}/signed/{document_id}")
    assert wrong.status_code == 404 and "回复链接无效" in wrong.text
    api_wrong = unit.get(f"/api/v1/links/{'x' * len(token)}/signed/{document_id}")
    assert api_wrong.json()["error"]["code"] == "LINK_INVALID"


def test_a_link_reaches_only_its_own_drafts_signed_document(world: WebWorld) -> None:
    """Another round's signed document (its draft issued too) is not found through this unit's link."""
    _approved(world)
    staff, h = _staff(world)
    staff.post(f"/api/v1/rounds/{world.round_id}/issue", headers=h, json={"doc_number": NUMBER})
    with UnitOfWork(world.engine) as uow:
        rnd = uow.rounds.get(world.round_id)
        office_id = rnd.office_id if rnd else 0
    other = new_round(world.engine, world.clock, office_id, world.clock.now() + timedelta(days=3), 2)
    with UnitOfWork(world.engine) as uow:
        row = SignedDocument(
            round_id=other,
            doc_number="孝政发〔2026〕4号",
            filename="另一份.pdf",
            content_type="application/pdf",
            sha256=hashlib.sha256(PDF).hexdigest(),
            size=len(PDF),
            data=PDF,
            uploaded_at=world.clock.now(),
        )
        uow.process.add(row)
        uow.commit()
        other_id = row.id
    token = world.token("测试单位001")
    assert world.client().get(f"/r/{token}/signed/{other_id}").status_code == 404
    assert world.client().get(f"/api/v1/links/{token}/signed/{other_id}").json()["error"]["code"] == (
        "SIGNED_DOCUMENT_NOT_FOUND"
    )
