"""The process the law asks for through HTTP: a 规范性文件 uploaded with its type, a public consultation
too short without a reason (422 PERIOD_TOO_SHORT) and accepted with one, the review's due date and the
departures shown to staff and reviewer, the reviewer's checklist, issue refused before the deliberation
(409 DELIBERATION_REQUIRED), publication, filing and the archive — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.uow import uow_factory
from tests.support.scenario import DRAFT_TEXT
from tests.support.web import WebWorld, build_world, login
from workflow.services.archive import verify_archive
from workflow.services.deadlines import sweep


@pytest.fixture
def world(engine: Engine, db_url: str, tmp_path: Path) -> WebWorld:
    return build_world(engine, db_url, tmp_path)


def test_a_normative_document_through_the_api_and_the_pages(world: WebWorld) -> None:
    staff = world.client()
    h = {"X-CSRF-Token": login(staff, "zhaojian")}
    types = staff.get("/api/v1/doc-types").json()
    assert [t["key"] for t in types] == ["general", "normative", "major-decision", "internal-plan"]
    locked = staff.post(f"/api/v1/drafts/{1}/type", headers=h, json={"doc_type": "normative"})
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "DOC_TYPE_LOCKED"

    draft = staff.post(
        "/api/v1/drafts",
        data={"title": "孝义市安全生产管理办法", "issuer": "孝义市人民政府", "doc_type": "normative"},
        files={"file": ("draft.txt", DRAFT_TEXT.encode(), "text/plain")},
        headers=h,
    ).json()
    did = draft["draft_id"]
    staff.post(f"/api/v1/drafts/{did}/legal-basis", headers=h, json={"text": "《中华人民共和国安全生产法》"})
    body = {
        "draft_id": did,
        "doc_number": "孝安办函〔2026〕5号",
        "workdays": 3,
        "all_units": True,
        "contact": "赵健",
        "phone": "18335877837",
        "scope": "public",
    }
    short = staff.post("/api/v1/rounds", headers=h, json=body)
    assert short.status_code == 422 and short.json()["error"]["code"] == "PERIOD_TOO_SHORT"
    assert "7个工作日" in short.json()["error"]["message"]
    started = staff.post("/api/v1/rounds", headers=h, json={**body, "shorten_reason": "落实省政府督办要求"})
    assert started.status_code == 201, started.text
    rid = started.json()["round_id"]
    letter = staff.get(f"/api/v1/rounds/{rid}/documents/letter?format=md").text
    assert "因落实省政府督办要求，征求意见期限为3个工作日。" in letter, "said in the unit the type counts"

    world.clock.advance(timedelta(days=6))
    sweep(uow_factory(world.engine), world.clock)
    h = {"X-CSRF-Token": login(staff, "zhaojian")}
    submitted = staff.post(f"/api/v1/rounds/{rid}/submit-review", headers=h).json()
    assert submitted["due_at"] and submitted["min_at"] and submitted["missing_materials"] == []
    process = staff.get(f"/api/v1/rounds/{rid}/process").json()
    assert process["shorten_reason"] == "落实省政府督办要求" and process["scope"] == "public"
    assert [d["rule"] for d in process["departures"]] == ["consultation_period"]
    assert process["reviews"][0]["due_at"] == submitted["due_at"]
    page = staff.get(f"/rounds/{rid}").text
    assert "办理程序：规范性文件" in page and "落实省政府督办要求" in page and "审查期限至" in page

    reviewer = world.client()
    rh = {"X-CSRF-Token": login(reviewer, "sfj")}
    review_page = reviewer.get(f"/review/rounds/{rid}").text
    assert "落实省政府督办要求" in review_page and "审查期限至" in review_page and "主体和权限是否合法" in review_page
    world.clock.advance(timedelta(days=10))  # past the minimum review period: no departure for it
    rh = {"X-CSRF-Token": login(reviewer, "sfj")}  # sessions last 8 hours
    checklist = {k: {"answer": "lawful"} for k in ("authority", "procedure", "content")}
    approved = reviewer.post(f"/api/v1/rounds/{rid}/review", headers=rh, json={"approve": True, "checklist": checklist})
    assert approved.json()["result"] == "approved", approved.text

    h = {"X-CSRF-Token": login(staff, "zhaojian")}
    refused = staff.post(f"/api/v1/rounds/{rid}/issue", headers=h, json={"doc_number": "孝政发〔2026〕9号"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "DELIBERATION_REQUIRED"
    met = staff.post(
        f"/rounds/{rid}/deliberation",
        data={"csrf_token": h["X-CSRF-Token"], "meeting": "市政府第8次常务会议", "date": "2026-03-20"},
        files={"minutes": ("会议纪要.pdf", b"%PDF-1.4 minutes", "application/pdf")},
    )
    assert met.status_code == 303, met.text
    assert (
        staff.post(f"/api/v1/rounds/{rid}/issue", headers=h, json={"doc_number": "孝政发〔2026〕9号"}).status_code
        == 200
    )
    published = staff.post(
        f"/api/v1/rounds/{rid}/publication", headers=h, json={"date": "2026-03-25", "where": "市政府门户网站"}
    )
    assert published.status_code == 201
    filed = staff.post(f"/api/v1/rounds/{rid}/filing", headers=h, json={"to": "孝义市人民政府", "date": "2026-04-01"})
    assert filed.status_code == 201
    process = staff.get(f"/api/v1/rounds/{rid}/process").json()
    assert process["publication"]["filing_due"] == "2026-04-24" and process["filing"]["filed_to"] == "孝义市人民政府"
    assert process["deliberations"][0]["minutes"] == "会议纪要.pdf"
    assert [c["answer_label"] for c in process["reviews"][0]["checklist"]] == ["合法", "合法", "合法"]

    archive = staff.post(f"/api/v1/rounds/{rid}/archive", headers=h)
    assert archive.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert "deliberation/minutes/1-会议纪要.pdf" in names and "manifest.json" in names
    assert verify_archive(archive.content).ok
    assert reviewer.post(f"/api/v1/rounds/{rid}/archive", headers=rh).status_code == 403
