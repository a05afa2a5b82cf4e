"""The demo's pages say which times are illustrative: the seed round's page, its 采纳决定, 催办与消息 and the
reviewer's page carry the notice; a round with recorded times does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from entrypoints.web.app import create_app
from kernel.clock import FixedClock
from storage.uow import UnitOfWork
from tests.support.cli import write_config
from tests.support.scenario import STAFF, new_round
from tests.support.web import PASSWORD, login
from workflow.config import load_settings
from workflow.demo.loader import load_demo
from workflow.services.accounts import add_user

NOTICE = "演示数据：回复和审查时间为示意，种子材料未记载"


def test_every_page_of_the_demo_round_says_its_times_are_illustrative(sqlite_engine: Engine, tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path / "config.toml", f"sqlite:///{tmp_path / 'unit.db'}"))
    seed = load_demo(sqlite_engine, settings)
    clock = FixedClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    with UnitOfWork(sqlite_engine) as uow:
        office_id = uow.directory.office_by_name("孝义市安全生产委员会办公室").id  # type: ignore[union-attr]
        for username, role in (("zhaojian", "staff"), ("sfj", "reviewer")):
            add_user(
                uow,
                clock,
                STAFF,
                username=username,
                display_name=username,
                role=role,
                password=PASSWORD,
                office_id=office_id,
            )
    live = new_round(sqlite_engine, clock, office_id or 0, clock.now() + timedelta(days=2), 1, units=["交通运输局"])
    app = create_app(settings, engine=sqlite_engine, clock=clock)
    staff = TestClient(app, base_url="http://testserver", follow_redirects=False)
    login(staff, "zhaojian")
    for path in (
        f"/rounds/{seed.round_id}",
        f"/rounds/{seed.round_id}/decisions",
        f"/rounds/{seed.round_id}/chase",
        f"/rounds/{seed.round_id}?tab=audit",
    ):
        page = staff.get(path)
        assert page.status_code == 200 and NOTICE in page.text, path
    assert NOTICE not in staff.get(f"/rounds/{live}").text, "a round with recorded times carries no notice"
    reviewer = TestClient(app, base_url="http://testserver", follow_redirects=False)
    login(reviewer, "sfj")
    review = reviewer.get(f"/review/rounds/{seed.round_id}")
    assert review.status_code == 200 and NOTICE in review.text
    api = staff.get(f"/api/v1/rounds/{seed.round_id}").json()
    assert api["round"]["illustrative_times"] is True and api["round"]["illustrative_notice"] == NOTICE
