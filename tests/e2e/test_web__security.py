"""Security of the pages: deny by default, one unit per link, CSRF, roles, escaping, cookies."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import Engine

from storage.uow import UnitOfWork, uow_factory
from tests.support.cli import table_counts
from tests.support.web import PASSWORD, WebWorld, build_world, login

STAFF_PAGES = [
    "/",
    "/rounds/new",
    "/rounds/1",
    "/rounds/1/decisions",
    "/units",
    "/rounds/1/documents/letter.docx",
    "/review",
    "/review/rounds/1",
    "/attachments/1",
]
STAFF_POSTS = [
    "/drafts",
    "/rounds",
    "/rounds/preview",
    "/rounds/1/paper-reply",
    "/rounds/1/deadline",
    "/rounds/1/decisions",
    "/rounds/1/submit-review",
    "/rounds/1/revise",
    "/rounds/1/issue",
    "/rounds/1/withdraw",
    "/units/import",
    "/units/1",
    "/review/rounds/1",
    "/rounds/1/admit/1",
    "/logout",
]


PUBLIC_CONSULTATION = {  # the public's side of a public consultation needs no account (issue 16)
    ("GET", "/api/v1/public/consultations"),
    ("GET", "/api/v1/public/consultations/{consultation_id}"),
    ("POST", "/api/v1/public/consultations/{consultation_id}/comments"),
    ("GET", "/api/v1/public/consultations/{consultation_id}/feedback"),
    ("GET", "/api/v1/public/receipts/{receipt}"),
}


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _page_login(client, username: str) -> None:  # type: ignore[no-untyped-def]
    form = client.get("/login")
    csrf = form.cookies.get("cf_login_csrf") or client.cookies.get("cf_login_csrf")
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf, "next": "/"})
    assert response.status_code == 303, response.text


def test_without_a_session_every_staff_route_is_refused(world: WebWorld) -> None:
    client = world.client()
    for path in STAFF_PAGES:
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
    for path in STAFF_POSTS:
        response = client.post(path, data={"csrf_token": "x"})
        assert response.status_code in (303, 401, 422), path
        if response.status_code == 303:
            assert response.headers["location"].startswith("/login")
    paths = client.get("/api/v1/openapi.json").json()["paths"]  # every API route, as published
    api = [(method.upper(), path) for path, ops in paths.items() for method in ops]
    public = {
        ("POST", "/api/v1/session"),
        ("GET", "/api/v1/links/{token}"),
        ("GET", "/api/v1/links/{token}/signed/{document_id}"),  # the issued document, through the unit's link
        ("POST", "/api/v1/links/{token}/replies"),
        ("POST", "/api/v1/progress/links/{token}"),  # a unit's monthly progress link: the link is the credential
        *PUBLIC_CONSULTATION,  # 向社会公开征求意见: anyone reads, comments and looks up a receipt
    }
    checked = 0
    for method, path in api:
        if (method, path) in public:
            continue
        url = re.sub(r"\{[a-z_]+\}", "1", path)
        response = client.request(method, url, json={})
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["error"]["code"] == "NOT_AUTHENTICATED", (method, path)
        checked += 1
    assert checked >= 25, "every API route but login and the unit links needs a session"


def test_login_form_needs_its_csrf_token_and_sets_a_strict_httponly_cookie(world: WebWorld) -> None:
    client = world.client()
    client.get("/login")
    refused = client.post("/login", data={"username": "zhaojian", "password": PASSWORD, "csrf_token": "forged"})
    assert refused.status_code == 403
    _page_login(client, "zhaojian")
    assert client.get("/").status_code == 200


def test_session_cookie_is_secure_on_https(sqlite_engine: Engine, tmp_path: Path) -> None:
    world = build_world(
        sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path, base_url="https://zqyj.xiaoyi.example.cn"
    )
    response = world.client().post("/api/v1/session", json={"username": "zhaojian", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie


def test_form_without_csrf_is_refused_and_changes_nothing(world: WebWorld) -> None:
    client = world.client()
    _page_login(client, "zhaojian")
    before = table_counts(world.engine)
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post("/rounds/1/deadline", data={"deadline": "2026-03-10T10:00", "reason": "延期", **data})
        assert response.status_code in (403, 422)
    assert (
        client.post("/api/v1/rounds/1/deadline", json={"deadline": "2026-03-10T10:00", "reason": "延期"}).status_code
        == 403
    )
    assert table_counts(world.engine) == before


def test_reviewer_cannot_decide_or_change_replies(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "sfj")
    for path, data in (
        ("/rounds/1/decisions", {"comment_id": "1", "outcome": "adopted"}),
        ("/rounds/1/paper-reply", {"unit": "测试单位001", "no_comments": "1"}),
        ("/rounds/1/deadline", {"deadline": "2026-03-10T10:00", "reason": "x"}),
    ):
        response = client.post(path, data={"csrf_token": csrf, **data})
        assert response.status_code == 403, path
        assert "无权" in response.text
    assert client.get("/rounds/new").status_code == 403
    assert client.get("/review/rounds/1").status_code == 200
    # Deny by default, over the whole API: every change except the review itself is staff work.
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    changes = [(m.upper(), p) for p, ops in paths.items() for m in ops if m != "get"]
    reviewer_may = {
        ("POST", "/api/v1/rounds/{round_id}/review"),
        ("DELETE", "/api/v1/session"),
        ("POST", "/api/v1/account/password"),  # everyone's own password
    }
    public = {
        ("POST", "/api/v1/session"),
        ("POST", "/api/v1/links/{token}/replies"),
        ("POST", "/api/v1/progress/links/{token}"),
        *PUBLIC_CONSULTATION,
    }
    before = table_counts(world.engine)
    refused = 0
    for method, path in changes:
        if (method, path) in reviewer_may | public:
            continue
        url = re.sub(r"\{[a-z_]+\}", "1", path)
        response = client.request(method, url, json={}, headers={"X-CSRF-Token": csrf})
        assert response.status_code == 403, (method, path, response.status_code)
        refused += 1
    assert refused >= 10, "the schema lists the staff actions"
    assert table_counts(world.engine) == before


def test_a_unit_link_reaches_one_recipient_only_and_is_read_only_after_the_deadline(world: WebWorld) -> None:
    client = world.client()
    mine, other = world.token("测试单位001"), world.token("测试单位002")
    page = client.get(f"/r/{other}")
    csrf_other = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(f"/r/{other}", data={"csrf_token": csrf_other, "target": "序号3", "text": "第二单位的秘密意见"})
    page = client.get(f"/r/{mine}")
    assert page.status_code == 200 and "测试单位001" in page.text
    assert "第二单位的秘密意见" not in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(f"/r/{mine}", data={"csrf_token": csrf_other, "no_comments": "1"}).status_code == 403
    assert client.post(f"/r/{mine}", data={"csrf_token": csrf, "no_comments": "1"}).status_code == 303
    assert "回执" in client.get(f"/r/{mine}?sent=1").text
    assert client.get("/r/not-a-real-token").status_code == 404
    world.clock.advance(timedelta(days=3))
    closed = client.get(f"/r/{mine}")
    assert "征求意见已截止" in closed.text and 'id="send-reply"' not in closed.text
    after = client.post(f"/r/{mine}", data={"csrf_token": csrf, "no_comments": "1"})
    assert after.status_code == 403 and "只能查看" in after.text
    silent = client.get(f"/r/{world.token('测试单位003')}")
    assert "征求意见已截止" in silent.text


def test_script_in_a_comment_is_text_in_the_page_and_in_the_docx(world: WebWorld) -> None:
    client = world.client()
    token = world.token("测试单位001")
    page = client.get(f"/r/{token}")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    evil = "<script>alert('x')</script>"
    client.post(f"/r/{token}", data={"csrf_token": csrf, "target": "序号1", "text": evil})
    login(client, "zhaojian")
    html = client.get("/rounds/1").text
    assert evil not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    world.clock.advance(timedelta(days=3))
    from workflow.services.deadlines import sweep

    sweep(uow_factory(world.engine), world.clock)
    login(client, "zhaojian")
    docx = client.get("/rounds/1/documents/review-package.docx")
    assert docx.status_code == 200
    text = "\n".join(c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells)
    assert evil in text
    assert client.get("/").headers["content-security-policy"].startswith("default-src 'self'")


def test_uploads_are_limited_in_type_and_size(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    wrong = client.post(
        "/drafts",
        data={"csrf_token": csrf, "title": "x", "issuer": "y"},
        files={"file": ("evil.exe", b"MZ", "application/octet-stream")},
    )
    assert wrong.status_code == 422 and "不允许" in wrong.text
    huge = client.post(
        "/drafts",
        data={"csrf_token": csrf, "title": "x", "issuer": "y"},
        files={"file": ("big.txt", b"x" * (13 * 1024 * 1024), "text/plain")},
    )
    assert huge.status_code == 413
    scan = client.post(
        "/rounds/1/paper-reply",
        data={"csrf_token": csrf, "unit": "测试单位001", "no_comments": "1"},
        files={"scan": ("scan.exe", b"MZ", "application/x-msdownload")},
    )
    assert scan.status_code == 422 and "PDF、JPG 或 PNG" in scan.text
    ok = client.post(
        "/rounds/1/paper-reply",
        data={"csrf_token": csrf, "unit": "测试单位001", "no_comments": "1", "sealed": "1"},
        files={"scan": ("回复表.pdf", b"%PDF-1.4 sealed form", "application/pdf")},
    )
    assert ok.status_code == 303
    with UnitOfWork(world.engine) as uow:
        [(reply, _)] = uow.replies.for_round(1)
        import hashlib

        assert reply.attachment_sha256 == hashlib.sha256(b"%PDF-1.4 sealed form").hexdigest() and reply.sealed
    for path in ("/attachments/1", "/api/v1/attachments/1"):
        download = client.get(path)
        assert download.content == b"%PDF-1.4 sealed form"
        assert download.headers["x-content-sha256"] == reply.attachment_sha256
    assert client.get("/api/v1/attachments/99").json()["error"]["code"] == "ATTACHMENT_NOT_FOUND"


def test_a_revoked_link_stops_working_and_a_new_one_is_sent(world: WebWorld) -> None:
    client = world.client()
    old = world.token("测试单位001")
    assert client.get(f"/r/{old}").status_code == 200
    csrf = login(client, "zhaojian")
    with UnitOfWork(world.engine) as uow:
        rec = next(r for r, u in uow.rounds.recipients(world.round_id) if u.name == "测试单位001")
    response = client.post(f"/rounds/{world.round_id}/links/{rec.id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert client.get(f"/r/{old}").status_code == 404
    new = world.token("测试单位001")
    assert new != old and client.get(f"/r/{new}").status_code == 200
    with UnitOfWork(world.engine) as uow:
        kinds = [m.kind for m in uow.outbox.for_round(world.round_id) if m.recipient_id == rec.id]
    assert kinds == ["solicitation", "solicitation"]
    reviewer = world.client()
    rcsrf = login(reviewer, "sfj")
    assert (
        reviewer.post(f"/rounds/{world.round_id}/links/{rec.id}/revoke", data={"csrf_token": rcsrf}).status_code == 403
    )


def test_link_endpoints_are_rate_limited(world: WebWorld) -> None:
    client = world.client()
    token = world.token("测试单位002")
    codes = [client.get(f"/r/{token}").status_code for _ in range(65)]
    assert codes[0] == 200 and codes[-1] == 429
    refused = client.get(f"/r/{token}")
    assert "访问过于频繁" in refused.text
    world.clock.advance(timedelta(minutes=3))
    assert client.get(f"/r/{token}").status_code == 200, "the link works again after a pause"
