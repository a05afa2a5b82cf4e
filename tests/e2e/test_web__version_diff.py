"""An article draft in the web app: the unit's page and the paper-reply form offer the draft's own articles,
款 and 项; after a revision the API shows each comment's anchor and the diff; the 版本对比 page lists
inserted, deleted, renumbered, split and changed articles with the changed words marked, escaping
everything the draft says."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.uow import UnitOfWork, uow_factory
from tests.fixtures.drafts import GREENING_V1, GREENING_V1_MD, GREENING_V2
from tests.support.scenario import STAFF
from tests.support.web import SECRET, WebWorld, build_world, login
from workflow.services.deadlines import sweep
from workflow.services.drafts import import_draft_file
from workflow.services.rounds import StartRound, start_round

HOSTILE = "城市绿化应当<script>alert(1)</script>优先选用乡土树种"
V2_TEXT = GREENING_V2.read_text(encoding="utf-8").replace("城市绿化应当优先选用乡土树种", HOSTILE)


def article_round(world: WebWorld) -> tuple[int, int]:
    """The greening regulation's first version asked of two units; (draft id, round id)."""
    with UnitOfWork(world.engine) as uow:
        office = uow.directory.office_by_name("孝义市安全生产委员会办公室")
        office_id = office.id if office else 0
    with UnitOfWork(world.engine) as uow:
        draft = import_draft_file(
            uow,
            world.clock,
            STAFF,
            "greening.txt",
            GREENING_V1.read_bytes(),
            title="某市城市绿化管理办法",
            issuer="某市人民政府",
            office_id=office_id,
        )
    with UnitOfWork(world.engine) as uow:
        started = start_round(
            uow,
            world.clock,
            STAFF,
            StartRound(
                draft_id=draft.draft_id,
                office_id=office_id,
                doc_number="某绿办函〔2026〕2号",
                deadline=world.deadline,
                contact="王敏",
                phone="0358-1234567",
                unit_names=["测试单位001", "测试单位002"],
            ),
            secret=SECRET,
        )
    return draft.draft_id, started.round_id


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _token(world: WebWorld, round_id: int, unit: str) -> str:
    saved, world.round_id = world.round_id, round_id
    try:
        return world.token(unit)
    finally:
        world.round_id = saved


def test_article_draft_through_the_web(world: WebWorld) -> None:
    draft_id, rid = article_round(world)
    unit = world.client()
    token = _token(world, rid, "测试单位001")
    page = unit.get(f"/r/{token}").text
    assert "条目（条、款、项）" in page and "文稿全文" in page and "重点任务分工" not in page
    for value in ("第一章", "第五条", "第八条第二款", "第五条第二款第（三）项"):
        assert f'<option value="{value}"' in page, value
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    sent = unit.post(
        f"/r/{token}",
        data={
            "csrf_token": csrf,
            "target": ["第五条", "第八条第二款", "第九十条"],
            "text": ["建议明确设计单位资质。", "建议写明防护绿地范围。", "……"],
            "basis": ["", "", ""],
            "reason": ["", "", ""],
        },
    )
    assert sent.status_code == 422 and "第九十条在文稿中不存在" in sent.text, "refused beside the field"
    sent = unit.post(
        f"/r/{token}",
        data={
            "csrf_token": csrf,
            "target": ["第五条", "第八条第二款"],
            "text": ["建议明确设计单位资质。", "建议写明防护绿地范围。"],
        },
    )
    assert sent.status_code == 303
    assert '<option value="第八条第二款" selected>' in unit.get(f"/r/{token}").text

    staff = world.client()
    staff_csrf = login(staff, "zhaojian")
    round_page = staff.get(f"/rounds/{rid}").text
    assert '<option value="第三条第二款">　第三条第二款</option>' in round_page, (
        "the paper form offers the draft's items"
    )
    assert "版本对比" not in round_page, "one version: nothing to compare yet"

    world.clock.set(world.deadline + timedelta(minutes=5))
    sweep(uow_factory(world.engine), world.clock)
    staff_csrf = login(staff, "zhaojian")  # two days on: a new session
    revised = staff.post(
        f"/api/v1/drafts/{draft_id}/versions",
        files={"file": ("greening_v2.txt", V2_TEXT.encode(), "text/plain")},
        headers={"X-CSRF-Token": staff_csrf},
    )
    assert revised.status_code == 200, revised.text
    assert revised.json() == {"draft_id": draft_id, "version": 2, "kind": "articles", "items": 29, "tasks": None}

    status = staff.get(f"/api/v1/rounds/{rid}").json()
    anchors = {c["target"]: c["anchor"] for c in status["comments"]}
    assert anchors["第五条"]["display"] == "现第六条（原第五条）" and anchors["第五条"]["moved_from"] == "第五条"
    assert anchors["第八条第二款"]["label"] == "第十一条第二款" and anchors["第八条第二款"]["version"] == 2
    decisions = staff.get(f"/rounds/{rid}/decisions").text
    assert "现第六条（原第五条）" in decisions and f"/drafts/{draft_id}/diff?from=1&amp;to=2" in decisions
    assert f"/drafts/{draft_id}/diff?from=1&amp;to=2" in staff.get(f"/rounds/{rid}").text

    api = staff.get(f"/api/v1/drafts/{draft_id}/diff", params={"from": 1, "to": 2}).json()
    assert api["from"] == 1 and api["to"] == 2
    inserted = next(c for c in api["items"] if c["change"] == "inserted")
    assert inserted["label_after"] == "第五条" and HOSTILE in inserted["text_after"]

    html = staff.get(f"/drafts/{draft_id}/diff", params={"from": 1, "to": 2})
    assert html.status_code == 200
    body = html.text
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert 'data-testid="diff-summary"' in body and "新增 1 处" in body and "删除 1 处" in body
    assert "<strong>现第六条</strong>（原第五条）" in body and "<strong>原第九条</strong>" in body
    assert "拆分为第七条、第八条" in body
    ten = body[body.index("<strong>第十条</strong>") :]
    assert "<del>七</del><ins>九</ins>" in ten, "the changed words inside 第十条 are marked"
    assert re.findall(r'data-change="(\w+)"', body)[:3] == ["changed", "inserted", "renumbered"]

    default = staff.get(f"/drafts/{draft_id}/diff").text
    assert "第1稿 → 第2稿" in default, "without a choice: the last two versions"
    swapped = staff.get(f"/drafts/{draft_id}/diff", params={"from": 2, "to": 1}).text
    assert "已按先后顺序对比：第1稿 → 第2稿" in swapped
    reviewer = world.client()
    login(reviewer, "sfj")
    assert reviewer.get(f"/drafts/{draft_id}/diff").status_code == 200
    assert staff.get("/drafts/999/diff").status_code == 404
    missing = staff.get(f"/api/v1/drafts/{draft_id}/diff", params={"from": 1, "to": 9})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "VERSION_NOT_FOUND"
    assert world.client().get(f"/drafts/{draft_id}/diff").status_code in (303, 401), "not for strangers"


def test_uploading_an_article_draft_shows_its_structure(world: WebWorld) -> None:
    staff = world.client()
    csrf = login(staff, "zhaojian")
    uploaded = staff.post(
        "/drafts",
        data={"csrf_token": csrf, "title": "某市城市绿化管理办法", "issuer": "某市人民政府", "doc_type": "normative"},
        files={"file": ("greening.md", GREENING_V1_MD.read_bytes(), "text/markdown")},
    )
    assert uploaded.status_code == 303, uploaded.text
    page = staff.get(uploaded.headers["location"]).text
    assert "条文结构（4章、11条、14款、3项）" in page and "重点任务分工（" not in page
    assert "<strong>第二章</strong> 规划与建设" in page
    assert "<strong>第十一条</strong> 本办法自2024年1月1日起施行。" in page
    refused = staff.post(
        "/drafts",
        data={"csrf_token": csrf, "title": "无结构", "issuer": "某市人民政府"},
        files={"file": ("plain.txt", "某市办法\n只有一段话。\n".encode(), "text/plain")},
    )
    assert refused.status_code == 422 and "第X条" in refused.text
