"""The unit's reply page: a revision starts from what was sent, and a long reply is not cut at five rows."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import Engine

from kernel.actors import Actor, Role
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import STAFF
from tests.support.web import WebWorld, build_world
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide
from workflow.services.queries import round_status
from workflow.services.replies import CommentInput, SubmitReply, submit_reply
from workflow.services.review import record_review, submit_review


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _rows(html: str) -> int:
    return len(re.findall(r'<textarea name="text"', html))


def _send(client, token: str, csrf: str, rows: list[tuple[str, str, str, str]]):  # type: ignore[no-untyped-def]
    """Post the reply form with these (target, text, basis, reason) rows."""
    columns = dict(zip(("target", "text", "basis", "reason"), map(list, zip(*rows, strict=True)), strict=True))
    return client.post(f"/r/{token}", data={"csrf_token": csrf, **columns})


def test_revisions_start_from_the_last_reply_and_can_be_long(world: WebWorld) -> None:
    client = world.client()
    token = world.token("测试单位001")
    page = client.get(f"/r/{token}")
    assert _rows(page.text) == 5 and 'data-add-row="comments"' in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]

    first = [(f"序号{n}", f"第{n}项的意见", "依据", "理由") for n in (3, 8)] + [
        ("序号8 消防", "消防部分的意见", "", "")
    ]
    assert _send(client, token, csrf, first).status_code == 303
    again = client.get(f"/r/{token}").text
    assert _rows(again) == 5, "three comments kept, two blank rows for more"
    assert "第3项的意见</textarea>" in again and "第8项的意见</textarea>" in again
    assert '<option value="序号8" selected>' in again
    assert '<option value="序号8 消防" selected>序号8 消防</option>' in again, "a free-text target survives"
    assert "下表已填入你单位上次提交的意见" in again

    seven = [(f"序号{n}", f"修改后的第{n}项意见", "", "") for n in range(1, 8)]
    assert _send(client, token, csrf, seven).status_code == 303
    with UnitOfWork(world.engine) as uow:
        status = round_status(uow, world.round_id)
    mine = [c["text"] for c in status["comments"] if c["unit"] == "测试单位001"]
    assert mine == [f"修改后的第{n}项意见" for n in range(1, 8)], "all seven count, the earlier three do not"
    assert _rows(client.get(f"/r/{token}").text) == 9


def test_a_unit_sees_the_time_left_downloads_its_papers_and_later_how_its_comments_were_decided(
    world: WebWorld,
) -> None:
    client = world.client()
    token = world.token("测试单位001")
    page = client.get(f"/r/{token}").text
    assert "距截止还有2天" in page
    form = client.get(f"/r/{token}/reply-form.docx")
    assert form.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(form.content)).paragraphs)
    assert "单位名称（盖章）：测试单位001" in text
    draft = client.get(f"/r/{token}/draft.docx")
    assert draft.status_code == 200 and "重点任务分工" in "\n".join(
        p.text for p in Document(io.BytesIO(draft.content)).paragraphs
    )
    assert client.get(f"/r/{token}/other.docx").status_code == 404
    assert client.get("/r/not-a-token/draft.docx").status_code in (403, 404)

    with UnitOfWork(world.engine) as uow:
        cmd = SubmitReply(
            round_id=world.round_id, unit_name="测试单位001", comments=[CommentInput("序号8", "我的意见")]
        )
        [comment] = submit_reply(uow, world.clock, STAFF, cmd).comment_ids
    world.clock.set(world.deadline + timedelta(minutes=1))
    sweep(uow_factory(world.engine), world.clock)
    with UnitOfWork(world.engine) as uow:
        decide(uow, world.clock, STAFF, Decide(comment, "rejected", "理由不充分或无依据，不予采纳。"))
    with UnitOfWork(world.engine) as uow:
        submit_review(uow, world.clock, STAFF, world.round_id)
    assert 'data-testid="decided"' not in client.get(f"/r/{token}").text, "not before the outcome is final"
    with UnitOfWork(world.engine) as uow:
        record_review(
            uow,
            world.clock,
            Actor("审查员", Role.reviewer),
            world.round_id,
            approve=True,
            reviewer="审查员",
            opinion="",
        )
    after = client.get(f"/r/{token}").text
    assert 'data-testid="decided"' in after and "不予采纳，理由不充分或无依据。" in after
    assert "距截止还有" not in after
