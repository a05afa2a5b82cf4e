"""Issue 16 over HTTP: the public reads a draft item by item, comments without an account and finds the
outcome by receipt; staff moderate, group, decide, and the published 采纳情况 follows the decisions.
Security: script in comments stays text (pages and documents), the honeypot and the rate limits refuse,
control characters are refused, and a name or contact never reaches anything the public (or an export) sees."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from entrypoints.web.app import create_app
from kernel.errors import TooManyRequests
from storage.uow import UnitOfWork, uow_factory
from tests.support.cli import table_counts, write_config
from tests.support.public import later
from tests.support.scenario import _PARSED, STAFF
from tests.support.web import SECRET, WebWorld, build_world, login
from workflow.config import load_settings
from workflow.public.intake import PublicClient, PublicCommentInput, submit_public_comment
from workflow.public.policy import PublicPolicy
from workflow.services.deadlines import sweep
from workflow.services.drafts import import_draft
from workflow.services.review import record_review
from workflow.services.withdrawal import withdraw

NAME, CONTACT = "王晓明", "13900001234"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _world(engine: Engine, tmp_path: Path, public: str = "") -> WebWorld:
    world = build_world(engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)
    extra = f'\n[security]\nsecret_key = "{SECRET}"\n[public]\n{public}\n'
    world.settings = load_settings(write_config(tmp_path / "public.toml", f"sqlite:///{tmp_path / 'unit.db'}", extra))
    world.app = create_app(world.settings, engine=engine, clock=world.clock)
    return world


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return _world(sqlite_engine, tmp_path)


def _open(world: WebWorld, staff: TestClient, csrf: str, days: int = 10) -> tuple[int, int]:
    with UnitOfWork(world.engine) as uow:
        draft = import_draft(
            uow, world.clock, STAFF, _PARSED, title="某市城市绿化管理办法", issuer="某市人民政府",
            filename="draft.txt", office_id=1, doc_type="normative",
        )
    until = (world.clock.now() + timedelta(days=days)).date().isoformat()
    opened = staff.post(
        "/api/v1/public/consultations",
        json={
            "draft_id": draft.draft_id, "until": until,
            "explanation": "起草说明全文", "contact_info": "邮箱：lh@example.cn",
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert opened.status_code == 201, opened.text
    return opened.json()["round_id"], opened.json()["consultation_id"]


def _form(client: TestClient, cid: int, **fields: str):  # type: ignore[no-untyped-def]
    page = client.get(f"/public/{cid}")
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert token, "the comment form carries its token"
    return client.post(f"/public/{cid}/comments", data={"csrf_token": token.group(1), "website": "", **fields})


def _no_contact(*texts: str) -> None:
    for text in texts:
        assert NAME not in text and CONTACT not in text, "a name or contact reached the public"


def test_the_public_comments_staff_decide_and_the_outcome_is_published(world: WebWorld) -> None:
    staff = world.client()
    csrf = login(staff, "zhaojian")
    rid, cid = _open(world, staff, csrf)
    public = world.client()
    listing = public.get("/public")
    assert listing.status_code == 200 and "某市城市绿化管理办法" in listing.text and "还剩10天" in listing.text
    page = public.get(f"/public/{cid}?target=序号5")
    assert "起草说明全文" in page.text and 'value="序号5" selected' in page.text and "个人信息保护法" in page.text

    sent = _form(public, cid, kind="citizen", target="序号5", text="建议第五项写明牵头部门", name=NAME, contact=CONTACT)
    assert sent.status_code == 200 and "回执号" in sent.text
    receipt = re.search(r"GK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", sent.text)
    assert receipt
    again = _form(
        public, cid, kind="citizen", target="序号5", text="建议第五项写明牵头部门！", name=NAME, contact=CONTACT
    )
    assert receipt.group(0) in again.text and "未重复登记" in again.text, "a resubmission is folded"
    api = public.post(
        f"/api/v1/public/consultations/{cid}/comments", json={"kind": "enterprise", "text": "整体上建议增加过渡期"}
    )
    assert api.status_code == 201 and api.json()["folded"] is False
    assert public.get(f"/api/v1/public/consultations/{cid}").json()["comments"] == 2

    for page_of_staff in ("/", f"/rounds/{rid}", f"/rounds/{rid}?tab=audit"):  # a round with no units shows
        assert staff.get(page_of_staff).status_code == 200, page_of_staff
    assert 'id="public-tab"' in staff.get(f"/rounds/{rid}").text
    audit = staff.get(f"/rounds/{rid}?tab=audit").text
    assert "收到社会公众意见" in audit and NAME not in audit
    moderation = staff.get(f"/rounds/{rid}/public")
    assert NAME in moderation.text, "staff (only) see the contact"
    ids = re.findall(r'data-public-comment="(\d+)"', moderation.text)
    done = staff.post(
        f"/rounds/{rid}/public/moderate", data={"csrf_token": csrf, "comment_id": ids, "action": "publish"}
    )
    assert done.status_code == 303
    later(world.clock, days=11)
    sweep(uow_factory(world.engine), world.clock)
    csrf = login(staff, "zhaojian")  # eleven days later: a new session
    board = staff.get("/api/v1/dashboard").json()
    assert next(r for r in board["rounds"] if r["round_id"] == rid)["undecided"] == 2, "the dashboard counts them"
    decisions = staff.get(f"/rounds/{rid}/decisions")
    groups = re.findall(r'<tr data-group="(\d+)"', decisions.text)
    assert len(groups) == 2 and "社会公众意见（2组）" in decisions.text
    for gid, outcome, reason in ((groups[0], "adopted", ""), (groups[1], "rejected", "与上位法规定不符，不予采纳。")):
        staff.post(
            f"/rounds/{rid}/public/decisions",
            data={"csrf_token": csrf, "group_id": gid, "outcome": outcome, "reason": reason},
        )
    assert "待决定" not in staff.get(f"/rounds/{rid}/decisions").text.split("public-groups")[1]
    assert staff.post(f"/rounds/{rid}/submit-review", data={"csrf_token": csrf}).status_code == 303
    with UnitOfWork(world.engine) as uow:
        record_review(uow, world.clock, STAFF, rid, approve=True, reviewer="市司法局", opinion="同意")
    feedback = public.get(f"/public/{cid}/feedback")
    assert "予以采纳 1 组" in feedback.text and "与上位法规定不符" in feedback.text
    outcome = public.get("/public/receipt", params={"no": receipt.group(0).lower().replace("-", " ")})
    assert "采纳情况" in outcome.text and ("予以采纳" in outcome.text or "不予采纳" in outcome.text)
    api_outcome = public.get(f"/api/v1/public/receipts/{receipt.group(0)}").json()
    assert api_outcome["final"] and api_outcome["decision"] in ("adopted", "rejected")

    adoption = staff.get(f"/api/v1/rounds/{rid}/documents/adoption?format=html").text
    assert "社会公众意见" in adoption and "归并为2组" in adoption
    note = staff.get(f"/api/v1/rounds/{rid}/documents/explanation?format=html").text
    assert "向社会公开征求意见，共收到社会公众意见2条" in note
    exported = staff.get(f"/api/v1/rounds/{rid}/public/export?format=csv")
    assert exported.status_code == 200 and "建议第五项写明牵头部门" in exported.content.decode("utf-8-sig")
    xlsx = staff.get(f"/rounds/{rid}/public/comments.xlsx").content
    rows = load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True)  # type: ignore[union-attr]
    sheet = "\n".join(" ".join(str(v) for v in row) for row in rows)
    assert "建议第五项写明牵头部门" in sheet
    _no_contact(
        listing.text, page.text, feedback.text, outcome.text, str(api_outcome), adoption, note,
        exported.content.decode("utf-8-sig"), sheet,
        public.get(f"/public/{cid}").text, public.get(f"/api/v1/public/consultations/{cid}").text,
        public.get(f"/api/v1/public/consultations/{cid}/feedback").text,
        public.get("/api/v1/public/consultations").text,
        staff.get(f"/api/v1/rounds/{rid}/public/comments").text, staff.get(f"/api/v1/audit/export?round_id={rid}").text,
    )


def test_script_in_a_public_comment_is_text_on_the_page_and_in_the_documents(world: WebWorld) -> None:
    staff = world.client()
    csrf = login(staff, "zhaojian")
    rid, cid = _open(world, staff, csrf)
    public = world.client()
    assert _form(public, cid, kind="citizen", target="全文", text=XSS).status_code == 200
    with UnitOfWork(world.engine) as uow:
        comment_id = uow.public.comments(rid)[0].id
    publish = {"csrf_token": csrf, "comment_id": comment_id, "action": "publish"}
    staff.post(f"/rounds/{rid}/public/moderate", data=publish)
    page = public.get(f"/public/{cid}")
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>alert" not in staff.get(f"/rounds/{rid}/public").text
    later(world.clock, days=11)
    sweep(uow_factory(world.engine), world.clock)
    login(staff, "zhaojian")
    docx = staff.get(f"/api/v1/rounds/{rid}/documents/adoption?format=docx").content
    body = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "&lt;script&gt;alert" in body and "<script>" not in body
    html = staff.get(f"/api/v1/rounds/{rid}/documents/adoption?format=html").text
    assert "<script>alert" not in html


def test_the_honeypot_control_characters_and_closed_consultations_are_refused(world: WebWorld) -> None:
    staff = world.client()
    csrf = login(staff, "zhaojian")
    _rid, cid = _open(world, staff, csrf)
    public = world.client()
    before = table_counts(world.engine)["public_comment"]
    robot = public.post(
        f"/api/v1/public/consultations/{cid}/comments", json={"kind": "citizen", "text": "好", "website": "http://spam"}
    )
    assert robot.status_code == 422 and robot.json()["error"]["code"] == "PUBLIC_HONEYPOT"
    form_robot = _form(public, cid, kind="citizen", text="好", website="http://spam")
    assert form_robot.status_code == 422
    bell = public.post(f"/api/v1/public/consultations/{cid}/comments", json={"kind": "citizen", "text": "响\x07铃"})
    assert bell.json()["error"]["code"] == "TEXT_CONTROL_CHARACTER"
    missing = _form(public, cid, kind="", text="")
    assert missing.status_code == 422
    assert 'data-error-for="kind"' in missing.text and 'data-error-for="text"' in missing.text
    assert table_counts(world.engine)["public_comment"] == before, "nothing stored"
    later(world.clock, days=11)
    closed = public.post(f"/api/v1/public/consultations/{cid}/comments", json={"kind": "citizen", "text": "晚了"})
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "PUBLIC_CONSULTATION_CLOSED"


def test_per_client_and_per_consultation_rate_limits(sqlite_engine: Engine, tmp_path: Path) -> None:
    world = _world(sqlite_engine, tmp_path, "comments_per_client_per_hour = 3\ncomments_per_round_per_minute = 5")
    staff = world.client()
    csrf = login(staff, "zhaojian")
    _rid, cid = _open(world, staff, csrf)
    public = world.client()
    url = f"/api/v1/public/consultations/{cid}/comments"
    answers = [public.post(url, json={"kind": "citizen", "text": f"第{n}条不同的意见"}) for n in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[3].json()["error"]["code"] == "RATE_LIMITED" and int(answers[3].headers["Retry-After"]) > 0
    # another client (behind a trusted proxy in real life): its own hour, but the consultation's minute is shared
    with UnitOfWork(world.engine) as uow:
        policy = PublicPolicy(comments_per_client_per_hour=3, comments_per_round_per_minute=5)
        other = PublicClient("192.0.2.7", SECRET)
        submit_public_comment(uow, world.clock, cid, PublicCommentInput("citizen", "别处的意见"), other, policy)
        with pytest.raises(TooManyRequests) as limited:
            third = PublicClient("192.0.2.8", SECRET)
            submit_public_comment(uow, world.clock, cid, PublicCommentInput("citizen", "又一条"), third, policy)
    assert limited.value.code == "RATE_LIMITED" and "人数较多" in str(limited.value)
    guesses = [public.get("/api/v1/public/receipts/GK-2222-2222-2222").status_code for _ in range(32)]
    assert guesses[0] == 404 and guesses[-1] == 429, "guessing receipts is throttled"


def test_a_withdrawn_draft_says_so_and_takes_no_more_comments(world: WebWorld) -> None:
    staff = world.client()
    csrf = login(staff, "zhaojian")
    rid, cid = _open(world, staff, csrf)
    with UnitOfWork(world.engine) as uow:
        withdraw(uow, world.clock, STAFF, rid, "上级文件已作调整")
    public = world.client()
    assert "已撤回" in public.get(f"/public/{cid}").text
    assert "某市城市绿化管理办法" not in public.get("/public").text, "the list shows open consultations only"
    refused = public.post(f"/api/v1/public/consultations/{cid}/comments", json={"kind": "citizen", "text": "还能提吗"})
    assert refused.json()["error"]["code"] == "PUBLIC_CONSULTATION_CLOSED"


def test_the_start_page_asks_units_and_the_public_in_one_round(world: WebWorld) -> None:
    staff = world.client()
    csrf = login(staff, "zhaojian")
    with UnitOfWork(world.engine) as uow:
        draft = import_draft(uow, world.clock, STAFF, _PARSED, title="某市工作要点", issuer="某市人民政府",
                             filename="d.txt", office_id=1)
    started = staff.post(
        "/rounds",
        data={
            "csrf_token": csrf, "draft_id": str(draft.draft_id), "doc_number": "孝安办函〔2026〕9号",
            "categories": ["市安委会成员单位"], "contact": "赵健", "phone": "1", "workdays": "10", "scope": "public",
            "public_explanation": "为什么起草：……", "public_contact_info": "邮箱 gz@example.cn",
        },
    )
    assert started.status_code == 303, started.text
    rid = int(started.headers["location"].split("/rounds/")[1].split("?")[0])
    with UnitOfWork(world.engine) as uow:
        consultation = uow.public.consultation_for_round(rid)
        asked = uow.rounds.count_recipients(rid)
    assert consultation is not None and consultation.explanation == "为什么起草：……" and asked == 4
    assert "某市工作要点" in world.client().get("/public").text
