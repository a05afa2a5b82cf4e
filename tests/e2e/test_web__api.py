"""The JSON API: every endpoint, through HTTP, on SQLite and PostgreSQL, with the CLI's error codes."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import DRAFT_TEXT
from tests.support.web import PASSWORD, WebWorld, build_world, login
from workflow.services.audit import export_events


@pytest.fixture
def world(engine: Engine, db_url: str, tmp_path: Path) -> WebWorld:
    return build_world(engine, db_url, tmp_path)


def test_openapi_schema_lists_the_api(world: WebWorld) -> None:
    schema = world.client().get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/rounds",
        "/api/v1/rounds/{round_id}/replies",
        "/api/v1/comments/{comment_id}/decision",
        "/api/v1/rounds/{round_id}/review",
        "/api/v1/links/{token}/replies",
        "/api/v1/audit/verify",
    ):
        assert path in schema["paths"], path


def test_whole_round_through_the_api(world: WebWorld) -> None:
    staff = world.client()
    csrf = login(staff, "zhaojian")
    h = {"X-CSRF-Token": csrf}
    assert staff.get("/api/v1/rounds").json()[0]["doc_number"] == "孝安办函〔2026〕1号"
    assert staff.get("/api/v1/dashboard").json()["totals"]["open"] == 1
    days = staff.get("/api/v1/workdays", params={"add": 3, "start": "2026-09-30"}).json()
    assert days["date"] == "2026-10-10" and days["deadline_text"] == "2026年10月10日17时"
    assert staff.get("/api/v1/workdays", params={"add": 0}).json()["error"]["code"] == "WORKDAYS_INVALID"

    draft = staff.post(
        "/api/v1/drafts",
        data={"title": "第二份通知", "issuer": "孝义市人民政府"},
        files={"file": ("draft.txt", DRAFT_TEXT.encode(), "text/plain")},
        headers=h,
    )
    assert draft.status_code == 200 and draft.json()["tasks"] == 29
    started = staff.post(
        "/api/v1/rounds",
        headers=h,
        json={
            "draft_id": draft.json()["draft_id"],
            "doc_number": "孝安办函〔2026〕2号",
            "workdays": 5,
            "categories": ["市安委会成员单位"],
            "contact": "赵健",
            "phone": "18335877837",
        },
    )
    assert started.status_code == 201 and len(started.json()["recipients"]) == 4
    dup = staff.post(
        "/api/v1/rounds",
        headers=h,
        json={
            "draft_id": draft.json()["draft_id"],
            "doc_number": "孝安办函〔2026〕2号",
            "deadline": "2026-03-20T17:00",
            "all_units": True,
            "contact": "赵健",
            "phone": "1",
        },
    )
    assert dup.status_code == 409 and dup.json()["error"]["code"] in ("DOC_NUMBER_DUPLICATE", "TRANSITION_FORBIDDEN")

    rid = world.round_id
    moved = staff.post(
        f"/api/v1/rounds/{rid}/deadline", headers=h, json={"deadline": "2026-03-05T10:00", "reason": "延长一天"}
    )
    assert moved.json()["deadline"] == "2026-03-05T10:00:00+08:00"
    world.deadline = world.deadline + timedelta(days=1)
    reply = staff.post(
        f"/api/v1/rounds/{rid}/replies",
        headers=h,
        json={
            "unit": "测试单位001",
            "channel": "paper",
            "sealed": True,
            "comments": [
                {"target": "序号8", "text": "建议增加邮递行业安全监管。", "basis": "上级文件", "reason": "职责调整"}
            ],
        },
    )
    assert reply.status_code == 201 and reply.json()["late"] is False
    bad = staff.post(f"/api/v1/rounds/{rid}/replies", headers=h, json={"unit": "不存在", "no_comments": True})
    assert bad.status_code == 404 and bad.json()["error"]["code"] == "UNIT_UNKNOWN"
    token = world.token("测试单位002")
    link = staff.post(f"/api/v1/links/{token}/replies", json={"no_comments": True})
    assert link.status_code == 201
    assert staff.get(f"/api/v1/links/{token}").json()["state"] == "no_comments"

    world.clock.advance(timedelta(days=4))
    from workflow.services.deadlines import sweep

    assert sweep(uow_factory(world.engine), world.clock).enforced_rounds >= 1
    assert staff.get("/api/v1/rounds").status_code == 401  # sessions expire after 8 hours
    h = {"X-CSRF-Token": login(staff, "zhaojian")}
    late = staff.post(
        f"/api/v1/rounds/{rid}/replies",
        headers=h,
        json={"unit": "测试单位003", "comments": [{"target": "序号1", "text": "逾期意见"}]},
    )
    assert late.json()["late"] is True
    elsewhere = staff.post(
        f"/rounds/{rid + 1}/admit/{late.json()['reply_id']}", data={"csrf_token": h["X-CSRF-Token"], "reason": "误操作"}
    )
    assert elsewhere.status_code == 404, "a reply is admitted only from its own round's page"
    assert (
        staff.post(f"/api/v1/replies/{late.json()['reply_id']}/admit", headers=h, json={"reason": "经批准纳入"}).json()[
            "admitted"
        ]
        is True
    )
    status = staff.get(f"/api/v1/rounds/{rid}").json()
    ids = [c["id"] for c in status["comments"]]
    assert len(ids) == 2
    assert staff.post(f"/api/v1/rounds/{rid}/submit-review", headers=h).json()["error"]["code"] == "COMMENTS_UNDECIDED"
    no_reason = staff.post(f"/api/v1/comments/{ids[1]}/decision", headers=h, json={"outcome": "rejected"})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["code"] == "DECISION_REASON_REQUIRED"
    staff.post(f"/api/v1/comments/{ids[0]}/decision", headers=h, json={"outcome": "adopted", "change_task": 8})
    staff.post(
        f"/api/v1/comments/{ids[1]}/decision",
        headers=h,
        json={"outcome": "rejected", "reason": "理由不充分或无依据，不予采纳。"},
    )
    assert staff.post(f"/api/v1/rounds/{rid}/submit-review", headers=h).json()["state"] == "legality_review"

    reviewer = world.client()
    rh = {"X-CSRF-Token": login(reviewer, "sfj")}
    assert (
        reviewer.post(
            f"/api/v1/comments/{ids[0]}/decision", headers=rh, json={"outcome": "rejected", "reason": "x"}
        ).status_code
        == 403
    )
    returned = reviewer.post(
        f"/api/v1/rounds/{rid}/review", headers=rh, json={"approve": False, "opinion": "请修改第8项"}
    )
    assert returned.json()["result"] == "returned"
    revised = staff.post(
        f"/api/v1/drafts/{status['round']['draft_id']}/versions",
        headers=h,
        files={"file": ("v2.txt", DRAFT_TEXT.encode(), "text/plain")},
    )
    assert revised.json()["version"] == 2
    staff.post(f"/api/v1/rounds/{rid}/submit-review", headers=h)
    assert (
        reviewer.post(f"/api/v1/rounds/{rid}/review", headers=rh, json={"approve": True}).json()["result"] == "approved"
    )
    issued = staff.post(f"/api/v1/rounds/{rid}/issue", headers=h, json={"doc_number": "孝政发〔2026〕3号"})
    assert issued.json() == {"round_id": rid, "doc_number": "孝政发〔2026〕3号", "state": "issued"}
    adoption = staff.get(f"/api/v1/rounds/{rid}/adoption").json()
    assert adoption["legality_review"]["state"] == "approved"
    events = staff.get(f"/api/v1/rounds/{rid}/audit").json()["events"]
    assert any(e["action"] == "review.returned" and e["actor"] == "司法局审查员" for e in events)
    assert staff.get("/api/v1/audit/verify").json()["ok"] is True
    units = staff.get("/api/v1/units").json()["units"]
    assert len(units) == 4
    csv = "名称,类别,邮箱\n新单位,乡镇（街道）,x@xiaoyi.example.cn\n".encode()
    assert (
        staff.post("/api/v1/units/import", headers=h, files={"file": ("u.csv", io.BytesIO(csv), "text/csv")}).json()[
            "created"
        ]
        == 1
    )
    bad_type = staff.post("/api/v1/units/import", headers=h, files={"file": ("u.exe", b"MZ", "application/x-msdos")})
    assert bad_type.status_code == 422 and bad_type.json()["error"]["code"] == "UPLOAD_TYPE_INVALID"
    assert staff.delete("/api/v1/session", headers=h).json() == {"ok": True}
    assert staff.get("/api/v1/rounds").status_code == 401
    with UnitOfWork(world.engine) as uow:
        last = export_events(uow)[-1]
    assert (last["action"], last["actor"]) == ("auth.logout", "赵健")


def test_login_errors_and_rate_limit(world: WebWorld) -> None:
    client = world.client()
    wrong = client.post("/api/v1/session", json={"username": "zhaojian", "password": "wrong-password"})
    assert wrong.status_code == 422 and wrong.json()["error"] == {
        "code": "LOGIN_FAILED",
        "message": "用户名或密码错误。",
    }
    other = world.another_process()
    for n in range(12):  # alternating between two server processes does not double the budget
        last = (client if n % 2 else other).post(
            "/api/v1/session", json={"username": "zhaojian", "password": "wrong-password"}
        )
    refused = last.json()["error"]
    assert last.status_code == 429 and refused["code"] == "RATE_LIMITED"
    wait = refused["details"]["retry_after_seconds"]
    assert refused["message"] == f"该账号从本机登录失败次数过多。请在 {wait} 秒后重试。"
    assert last.headers["Retry-After"] == str(wait) and 0 < wait <= 120
    assert other.post("/api/v1/session", json={"username": "zhaojian", "password": PASSWORD}).status_code == 429


def test_revoking_a_link_through_the_api(world: WebWorld) -> None:
    staff = world.client()
    h = {"X-CSRF-Token": login(staff, "zhaojian")}
    token = world.token("测试单位004")
    assert staff.get(f"/api/v1/links/{token}").json()["writable"] is True
    status = staff.get(f"/api/v1/rounds/{world.round_id}").json()
    rec = next(r["recipient_id"] for r in status["recipients"] if r["unit"] == "测试单位004")
    done = staff.post(f"/api/v1/rounds/{world.round_id}/recipients/{rec}/revoke-link", headers=h)
    assert done.json() == {"recipient_id": rec, "revoked": True}
    gone = staff.get(f"/api/v1/links/{token}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "LINK_INVALID"
    wrong_round = staff.post(f"/api/v1/rounds/999/recipients/{rec}/revoke-link", headers=h)
    assert wrong_round.status_code == 404 and wrong_round.json()["error"]["code"] == "NOT_A_RECIPIENT"


def test_withdraw_through_the_api(world: WebWorld) -> None:
    staff = world.client()
    h = {"X-CSRF-Token": login(staff, "zhaojian")}
    empty = staff.post(f"/api/v1/rounds/{world.round_id}/withdraw", headers=h, json={"reason": ""})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "WITHDRAW_REASON_REQUIRED"
    done = staff.post(f"/api/v1/rounds/{world.round_id}/withdraw", headers=h, json={"reason": "另行起草"})
    assert done.json() == {"round_id": world.round_id, "state": "withdrawn"}
    again = staff.post(f"/api/v1/rounds/{world.round_id}/withdraw", headers=h, json={"reason": "另行起草"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "TRANSITION_FORBIDDEN"


def test_reviewer_exports_the_audit_trail_with_its_hashes(world: WebWorld) -> None:
    import csv
    import io

    reviewer = world.client()
    login(reviewer, "sfj")
    assert "/rounds/1/documents/audit.csv" in reviewer.get("/review/rounds/1").text
    response = reviewer.get("/rounds/1/documents/audit.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel and WPS read the Chinese text"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    events = reviewer.get("/api/v1/rounds/1/audit").json()["events"]
    assert [(r["seq"], r["action"], r["hash"]) for r in rows] == [
        (str(e["seq"]), e["action"], e["hash"]) for e in events
    ]
    assert rows and all(len(r["hash"]) == 64 and len(r["prev_hash"]) == 64 for r in rows)
    assert any(r["action"] == "round.started" and "孝安办函" in r["payload"] for r in rows)
    wrong = reviewer.get("/rounds/1/documents/letter.csv")
    assert wrong.status_code == 422


def test_unit_edits_and_documents_through_the_api(world: WebWorld) -> None:
    staff = world.client()
    h = {"X-CSRF-Token": login(staff, "zhaojian")}
    changed = staff.patch("/api/v1/units/2", headers=h, json={"email": "new2@xiaoyi.example.cn", "aliases": "二号"})
    assert changed.status_code == 200
    assert changed.json()["email"] == "new2@xiaoyi.example.cn" and changed.json()["aliases"] == ["二号"]
    bad = staff.patch("/api/v1/units/2", headers=h, json={"email": "new2@"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "ADDRESS_EMAIL_INVALID"
    assert staff.patch("/api/v1/units/2", json={"phone": "1"}).status_code == 403, "no CSRF token"
    assert staff.patch("/api/v1/units/999", headers=h, json={"phone": "1"}).json()["error"]["code"] == "UNIT_UNKNOWN"
    assert staff.patch("/api/v1/units/3", headers=h, json={"active": False}).json()["active"] is False
    names = [u["name"] for u in staff.get("/api/v1/units").json()["units"]]
    assert "测试单位003" not in names
    everyone = staff.get("/api/v1/units", params={"include_inactive": True}).json()["units"]
    assert {u["name"]: u["active"] for u in everyone}["测试单位003"] is False

    reviewer = world.client()
    rh = {"X-CSRF-Token": login(reviewer, "sfj")}
    assert reviewer.patch("/api/v1/units/2", headers=rh, json={"phone": "1"}).status_code == 403
    letter = reviewer.get(f"/api/v1/rounds/{world.round_id}/documents/letter", params={"format": "docx"})
    assert letter.status_code == 200 and letter.content.startswith(b"PK")
    assert "wordprocessingml" in letter.headers["content-type"]
    adoption = reviewer.get(f"/api/v1/rounds/{world.round_id}/documents/adoption", params={"format": "json"})
    assert adoption.status_code == 200 and "groups" in adoption.json()
    wrong = reviewer.get(f"/api/v1/rounds/{world.round_id}/documents/letter", params={"format": "pdf"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "REPORT_FORMAT_INVALID"
    paths = reviewer.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/units/{unit_id}" in paths and "/api/v1/rounds/{round_id}/documents/{kind}" in paths


def test_a_returned_word_form_through_the_api(world: WebWorld) -> None:
    import io

    from docx import Document

    staff = world.client()
    h = {"X-CSRF-Token": login(staff, "zhaojian")}
    blank = staff.get(
        f"/api/v1/rounds/{world.round_id}/documents/reply-form", params={"format": "docx", "unit": "测试单位002"}
    )
    doc = Document(io.BytesIO(blank.content))
    para = next(p for p in doc.paragraphs if p.text.startswith("如无修改意见"))
    para.text = "如无修改意见，请在此注明“无修改意见”：无修改意见"
    filled = io.BytesIO()
    doc.save(filled)
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    url = f"/api/v1/rounds/{world.round_id}/replies/form"
    wrong_unit = staff.post(
        url, headers=h, data={"unit": "测试单位001"}, files={"file": ("f.docx", filled.getvalue(), docx)}
    )
    assert wrong_unit.status_code == 422 and wrong_unit.json()["error"]["code"] == "REPLY_FORM_UNIT_MISMATCH"
    not_docx = staff.post(
        url, headers=h, data={"unit": "测试单位002"}, files={"file": ("f.pdf", b"%PDF", "application/pdf")}
    )
    assert not_docx.json()["error"]["code"] == "UPLOAD_TYPE_INVALID"
    stored = staff.post(
        url, headers=h, data={"unit": "测试单位002"}, files={"file": ("f.docx", filled.getvalue(), docx)}
    )
    assert stored.status_code == 201 and stored.json()["state"] == "no_comments" and stored.json()["comments"] == 0
