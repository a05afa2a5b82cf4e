"""The start-a-round form: letter preview, a working-day deadline, and bad input refused with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.timefmt import iso_beijing
from storage.uow import UnitOfWork
from tests.support.cli import table_counts
from tests.support.scenario import DRAFT_TEXT
from tests.support.web import WebWorld, build_world, login


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _draft(client, csrf: str) -> int:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/drafts",
        data={"title": "孝义市人民政府关于做好2026年安全生产工作的通知", "issuer": "孝义市人民政府"},
        files={"file": ("draft.txt", DRAFT_TEXT.encode(), "text/plain")},
        headers={"X-CSRF-Token": csrf},
    )
    return int(response.json()["draft_id"])


def _form(csrf: str, draft_id: int, **fields: object) -> dict[str, object]:
    form: dict[str, object] = {
        "csrf_token": csrf,
        "draft_id": str(draft_id),
        "doc_number": "孝安办函〔2026〕2号",
        "categories": ["市安委会成员单位"],
        "contact": "赵健",
        "phone": "18335877837",
        "basis": "根据省政府《关于做好2026年安全生产工作的通知》精神",
    }
    return {**form, **fields}


def test_preview_shows_the_letter_without_starting_anything(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    draft_id = _draft(client, csrf)
    before = table_counts(world.engine)
    preview = client.post("/rounds/preview", data=_form(csrf, draft_id, deadline="2026-03-06T10:00"))
    assert preview.status_code == 200 and preview.headers["content-type"].startswith("text/html")
    text = preview.text
    title = "孝义市安全生产委员会办公室关于对《孝义市人民政府关于做好2026年安全生产工作的通知（代拟稿）》征求意见的函"
    assert title in text
    assert "孝安办函〔2026〕2号" in text and "市安委会各有关成员单位：" in text
    assert "修改意见于2026年3月6日10时前" in text and "根据省政府《关于做好2026年安全生产工作的通知》精神" in text
    assert 'class="rule rule-head"' in text, "the preview shows the 信函格式's double line"
    assert table_counts(world.engine) == before, "a preview writes nothing"


def test_a_working_day_deadline_from_the_form(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    draft_id = _draft(client, csrf)
    started = client.post("/rounds", data=_form(csrf, draft_id, workdays="3"))
    assert started.status_code == 303 and started.headers["location"].endswith("ok=round_started")
    round_id = int(started.headers["location"].split("/rounds/")[1].split("?")[0])
    with UnitOfWork(world.engine) as uow:
        rnd = uow.rounds.get(round_id)
        assert rnd is not None
        # 2026-03-02 (Monday) + 3 working days = Thursday 2026-03-05, due at 17:00 Beijing time
        assert iso_beijing(rnd.deadline) == "2026-03-05T17:00:00+08:00"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "DEADLINE_REQUIRED"),
        ({"deadline": "2026-03-06T10:00", "workdays": "3"}, "DEADLINE_AMBIGUOUS"),
        ({"workdays": "三"}, "WORKDAYS_INVALID"),
        ({"deadline": "下周五"}, "DATETIME_INVALID"),
        ({"deadline": "2026-03-06T10:00", "letter_date": "2026/3/2"}, "DATE_INVALID"),
        ({"deadline": "2026-03-01T10:00"}, "DEADLINE_IN_PAST"),
        ({"deadline": "2026-03-06T10:00", "doc_number": "安办函2026-2"}, "DOC_NUMBER_INVALID"),
    ],
)
def test_bad_form_input_is_refused_and_nothing_is_written(world: WebWorld, fields: dict[str, str], code: str) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    draft_id = _draft(client, csrf)
    before = table_counts(world.engine)
    refused = client.post("/rounds", data=_form(csrf, draft_id, **fields))
    assert refused.status_code in (409, 422) and f"错误代码：{code}" in refused.text
    assert table_counts(world.engine) == before
