"""Two offices on one server, through HTTP: a staff member of office A can read or change nothing of office
B — pages, API, documents, links, decisions — and is told "not found" (404), never "forbidden", so B's
rounds do not even show to exist. The reviewer of both offices sees both in one queue, each row naming
its office. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from entrypoints.web.app import create_app
from kernel.clock import FixedClock
from storage.uow import UnitOfWork
from tests.support.cli import table_counts, write_config
from tests.support.offices import FLOOD_FILE, SHARED_NAME, TwoOffices, two_offices
from tests.support.scenario import STAFF
from tests.support.web import PASSWORD, SECRET, login
from workflow.config import load_settings
from workflow.services.accounts import add_user


@pytest.fixture
def world(engine: Engine, db_url: str, clock: FixedClock, tmp_path: Path) -> tuple[TwoOffices, TestClient, TestClient]:
    built = two_offices(engine, clock)
    for username, role, office in (
        ("staff-a", "staff", built.a),
        ("staff-b", "staff", built.b),
        ("sfj", "reviewer", built.a),
    ):
        with UnitOfWork(engine) as uow:
            add_user(
                uow,
                clock,
                STAFF,
                username=username,
                display_name=username,
                role=role,
                password=PASSWORD,
                office_id=office,
            )
    config = write_config(
        tmp_path / "config.toml", db_url, f'[security]\nsecret_key = "{SECRET}"\n', profiles=(FLOOD_FILE,)
    )
    app = create_app(load_settings(config), engine=engine, clock=clock)
    return built, _client(app), _client(app)


def _client(app: object) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)  # type: ignore[arg-type]


def _reads(w: TwoOffices) -> list[str]:
    r = b = w.round_b
    return [
        f"/rounds/{r}",
        f"/rounds/{r}/decisions",
        f"/rounds/{r}/chase",
        f"/rounds/{r}/links",
        f"/rounds/{r}/links/{w.recipient_b}/qr.svg",
        f"/rounds/{r}/comments.xlsx",
        f"/rounds/{b}/documents/letter.html",
        f"/rounds/{b}/documents/adoption.docx",
        f"/rounds/{b}/documents/review-package.md",
        f"/attachments/{w.attachment_b}",
        f"/api/v1/rounds/{r}",
        f"/api/v1/rounds/{r}/adoption",
        f"/api/v1/rounds/{r}/documents/letter?format=json",
        f"/api/v1/rounds/{r}/process",
        f"/api/v1/rounds/{r}/audit",
        f"/api/v1/attachments/{w.attachment_b}",
    ]


def test_staff_of_one_office_cannot_read_anything_of_the_other(world) -> None:  # type: ignore[no-untyped-def]
    w, staff_a, staff_b = world
    login(staff_a, "staff-a")
    login(staff_b, "staff-b")
    for url in _reads(w):
        theirs = staff_b.get(url)
        assert theirs.status_code == 200, f"{url}: office B reads its own ({theirs.status_code})"
        mine = staff_a.get(url)
        assert mine.status_code == 404, f"{url}: office A got {mine.status_code}, not 404"
        assert "示防指办函" not in mine.text and "汛期" not in mine.text, f"{url} leaks B's round"
    rounds = staff_a.get("/api/v1/rounds").json()
    assert [r["round_id"] for r in rounds] == [w.round_a] and rounds[0]["office"] == "市安委办"
    units = staff_a.get("/api/v1/units").json()["units"]
    assert [u["id"] for u in units if u["name"] == SHARED_NAME] == [w.unit_a]
    assert "兑镇镇" not in staff_a.get("/units").text and "汛期" not in staff_a.get("/").text
    assert staff_a.get("/api/v1/office").json()["code"] == "xiaoyi-safety"
    office_b = staff_b.get("/api/v1/office").json()
    assert office_b["code"] == "flood-control"
    assert [c["label"] for c in office_b["categories"]] == ["市防指成员单位", "乡镇（街道）"]


def test_staff_of_one_office_cannot_change_anything_of_the_other(world, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    w, staff_a, _ = world
    csrf = login(staff_a, "staff-a")
    api = {"X-CSRF-Token": csrf}
    before = table_counts(engine)
    attempts = [
        staff_a.post(
            f"/api/v1/comments/{w.comment_b}/decision", json={"outcome": "rejected", "reason": "否"}, headers=api
        ),
        staff_a.patch(f"/api/v1/units/{w.unit_b}", json={"contact": "改"}, headers=api),
        staff_a.post(f"/api/v1/rounds/{w.round_b}/withdraw", json={"reason": "撤回"}, headers=api),
        staff_a.post(f"/api/v1/rounds/{w.round_b}/issue", json={"doc_number": "示防指发〔2026〕1号"}, headers=api),
        staff_a.post(f"/api/v1/rounds/{w.round_b}/recipients/{w.recipient_b}/revoke-link", headers=api),
        staff_a.post(f"/api/v1/drafts/{w.draft_b}/legal-basis", json={"text": "某法"}, headers=api),
        staff_a.post(f"/api/v1/replies/{w.reply_b}/admit", json={"reason": "纳入"}, headers=api),
        staff_a.post(
            f"/api/v1/rounds/{w.round_b}/replies", json={"unit": SHARED_NAME, "no_comments": True}, headers=api
        ),
        staff_a.post(  # B's comment through A's own round page
            f"/rounds/{w.round_a}/decisions",
            data={"csrf_token": csrf, "comment_id": str(w.comment_b), "outcome": "rejected", "reason": "否"},
        ),
        staff_a.post(f"/rounds/{w.round_b}/links/{w.recipient_b}/revoke", data={"csrf_token": csrf}),
        staff_a.post(f"/units/{w.unit_b}", data={"csrf_token": csrf, "name": "改名", "category": "c1"}),
    ]
    assert [a.status_code for a in attempts] == [404] * len(attempts), [a.text[:120] for a in attempts]
    assert table_counts(engine) == before, "nothing of office B changed"


def test_one_reviewer_sees_both_offices_in_one_queue(world) -> None:  # type: ignore[no-untyped-def]
    w, reviewer, staff_b = world
    login(reviewer, "sfj")
    queue = reviewer.get("/api/v1/reviews").json()
    assert [(r["office"], r["round_id"]) for r in queue] == [("市防指办", w.round_b), ("市安委办", w.round_a)]
    page = reviewer.get("/review").text
    assert "市防指办" in page and "市安委办" in page and "示防指办函〔2026〕1号" in page
    assert reviewer.get(f"/review/rounds/{w.round_b}").status_code == 200
    login(staff_b, "staff-b")
    assert staff_b.get("/review").status_code == 403, "staff do not review"
