"""The round page shows one page of its units (of one reply state if asked), with those units' replies;
the counts, the paper-reply form and the print view still cover the whole round."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.uow import UnitOfWork
from tests.support.scenario import STAFF
from tests.support.web import WebWorld, build_world, login
from workflow.services import round_view
from workflow.services.replies import SubmitReply, submit_reply


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _units(html: str) -> list[str]:
    table = html.split('data-testid="recipients"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>(测试单位\d+)</td>", table)


def test_page_two_of_the_units_and_the_state_filter(world: WebWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(round_view, "PER_PAGE", 3)
    with UnitOfWork(world.engine) as uow:
        submit_reply(uow, world.clock, STAFF, SubmitReply(world.round_id, unit_name="测试单位004", no_comments=True))
    client = world.client()
    login(client, "zhaojian")
    first = client.get(f"/rounds/{world.round_id}").text
    assert _units(first) == ["测试单位001", "测试单位002", "测试单位003"] and "征求对象（4家）" in first
    assert "第1 / 2页" in first and 'id="recipients-next"' in first
    assert first.count("<option>测试单位") == 4, "the paper-reply form offers every unit of the round"
    second = client.get(f"/rounds/{world.round_id}?p=2").text
    assert _units(second) == ["测试单位004"] and "无修改意见" in second, "page 2 shows its unit and its reply"
    assert "无修改意见</p>" not in first, "page 1 does not show the replies of page 2's units"
    silent = client.get(f"/rounds/{world.round_id}?state=pending").text
    assert _units(silent) == ["测试单位001", "测试单位002", "测试单位003"] and "共3家" in silent
    replied = client.get(f"/rounds/{world.round_id}?state=no_comments&p=5").text
    assert _units(replied) == ["测试单位004"], "a page past the end shows the last"
    printed = client.get(f"/rounds/{world.round_id}?tab=all").text
    assert len(_units(printed)) == 4, "the print view keeps every unit"
