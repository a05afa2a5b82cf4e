"""The unit's reply page: a revision starts from what was sent, and a long reply is not cut at five rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.uow import UnitOfWork
from tests.support.web import WebWorld, build_world
from workflow.services.queries import round_status


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
