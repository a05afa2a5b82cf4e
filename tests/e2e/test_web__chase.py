"""催办: a reminder sent now to the silent units with an address, phone calls to the others on the record,
and every message of a round per unit on one page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.uow import UnitOfWork, uow_factory
from tests.support.cli import table_counts
from tests.support.scenario import STAFF
from tests.support.web import WebWorld, build_world, login
from workflow.services.deadlines import sweep
from workflow.services.replies import SubmitReply, submit_reply
from workflow.services.units import update_unit


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_remind_now_reaches_silent_units_and_names_those_to_phone(world: WebWorld) -> None:
    with UnitOfWork(world.engine) as uow:
        submit_reply(
            uow, world.clock, STAFF, SubmitReply(round_id=world.round_id, unit_name="测试单位001", no_comments=True)
        )
    with UnitOfWork(world.engine) as uow:
        unit = next(u for u in uow.directory.units() if u.name == "测试单位004")
        update_unit(uow, world.clock, STAFF, unit.id or 0, email="")
    client = world.client()
    login(client, "zhaojian")
    page = client.get(f"/rounds/{world.round_id}/chase")
    assert page.status_code == 200 and "测试单位004（无地址，需电话通知）" in page.text
    before = table_counts(world.engine)["outboxmessage"]
    sent = client.post(
        f"/rounds/{world.round_id}/chase/remind", data={"csrf_token": _csrf(page.text)}, follow_redirects=True
    )
    assert "催办提醒已进入发送队列" in sent.text and "请电话通知：测试单位004" in sent.text
    with UnitOfWork(world.engine) as uow:
        reminders = [m for m in uow.outbox.for_round(world.round_id) if m.kind == "reminder"]
    assert table_counts(world.engine)["outboxmessage"] - before == len(reminders) == 3, (
        "002, 003 by mail; 004 unsendable"
    )
    assert sorted(m.status for m in reminders).count("undeliverable") == 1
    assert "发送催办提醒3条；需电话通知：测试单位004" in sent.text
    audit = client.get(f"/rounds/{world.round_id}?tab=audit").text
    assert "催办（发送提醒）" in audit


def test_a_phone_call_is_recorded_with_what_was_said(world: WebWorld) -> None:
    client = world.client()
    login(client, "zhaojian")
    page = client.get(f"/rounds/{world.round_id}/chase").text
    rid = re.search(r'name="recipient_id" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    refused = client.post(
        f"/rounds/{world.round_id}/chase/call", data={"csrf_token": _csrf(page), "recipient_id": rid, "note": " "}
    )
    assert refused.status_code == 422 and 'data-error-for="note"' in refused.text
    done = client.post(
        f"/rounds/{world.round_id}/chase/call",
        data={"csrf_token": _csrf(page), "recipient_id": rid, "note": "已告知截止时间，对方答复今天回复"},
        follow_redirects=True,
    )
    assert "电话催办已登记" in done.text
    assert "电话催办测试单位001：已告知截止时间，对方答复今天回复" in done.text
    audit = client.get(f"/rounds/{world.round_id}?tab=audit").text
    assert "电话催办" in audit and "说明：已告知截止时间" in audit


def test_a_closed_round_is_not_chased(world: WebWorld) -> None:
    world.clock.set(world.deadline + timedelta(minutes=1))
    sweep(uow_factory(world.engine), world.clock)
    client = world.client()
    login(client, "zhaojian")
    page = client.get(f"/rounds/{world.round_id}/chase")
    assert page.status_code == 200 and 'id="remind-now"' not in page.text
    refused = client.post(f"/rounds/{world.round_id}/chase/remind", data={"csrf_token": _csrf(page.text)})
    assert refused.status_code == 409 and "只有征求意见中的轮次才能催办" in refused.text
