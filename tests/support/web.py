"""An app on a real database with a movable clock, three accounts and a started round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from entrypoints.web.app import create_app
from kernel.clock import FixedClock
from storage.uow import UnitOfWork, uow_factory
from tests.support.cli import write_config
from tests.support.scenario import STAFF, new_round, setup_office
from workflow.config import Settings, load_settings
from workflow.services.accounts import add_user
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide
from workflow.services.links import link_token
from workflow.services.replies import CommentInput, SubmitReply, submit_reply

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PASSWORD = "correct-horse-battery"
SECRET = "test-secret-key"


@dataclass
class WebWorld:
    engine: Engine
    clock: FixedClock
    app: object
    round_id: int
    deadline: datetime
    settings: Settings

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver", follow_redirects=False)  # type: ignore[arg-type]

    def another_process(self) -> TestClient:
        """A client of a second app instance on the same database, as a second server process would be."""
        app = create_app(self.settings, engine=self.engine, clock=self.clock)
        return TestClient(app, base_url="http://testserver", follow_redirects=False)

    def token(self, unit: str) -> str:
        with UnitOfWork(self.engine) as uow:
            rec = next(r for r, u in uow.rounds.recipients(self.round_id) if u.name == unit)
            token = link_token(uow, self.clock, SECRET, rec.id or 0)
            uow.commit()
            return token


def build_world(engine: Engine, db_url: str, tmp: Path, base_url: str = "http://testserver") -> WebWorld:
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=4)
    for username, name, role in (
        ("zhaojian", "赵健", "staff"),
        ("sfj", "司法局审查员", "reviewer"),
        ("admin", "管理员", "admin"),
    ):
        with UnitOfWork(engine) as uow:
            add_user(
                uow, clock, STAFF, username=username, display_name=name, role=role, password=PASSWORD, office_id=office
            )
    deadline = T0 + timedelta(days=2)
    rid = new_round(engine, clock, office, deadline, 1)
    settings = load_settings(
        write_config(
            tmp / "config.toml", db_url, f'\n[security]\nsecret_key = "{SECRET}"\n[server]\nbase_url = "{base_url}"\n'
        )
    )
    return WebWorld(engine, clock, create_app(settings, engine=engine, clock=clock), rid, deadline, settings)


def login(client: TestClient, username: str) -> str:
    response = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def decided_round(world: WebWorld) -> list[int]:
    """Two units comment on the world's round, the deadline passes, staff decide (one adopted with task 8
    changed, one rejected with the app's own reason snippet); the two comment ids."""
    engine, clock = world.engine, world.clock
    ids: list[int] = []
    for unit, target in (("测试单位001", "序号8"), ("测试单位002", "序号12")):
        with UnitOfWork(engine) as uow:
            cmd = SubmitReply(round_id=world.round_id, unit_name=unit, comments=[CommentInput(target, f"{unit}的意见")])
            ids += submit_reply(uow, clock, STAFF, cmd).comment_ids
    clock.set(world.deadline + timedelta(minutes=1))
    sweep(uow_factory(engine), clock)
    with UnitOfWork(engine) as uow:
        decide(uow, clock, STAFF, Decide(ids[0], "adopted", "", change_task=8))
    with UnitOfWork(engine) as uow:
        decide(uow, clock, STAFF, Decide(ids[1], "rejected", "理由不充分或无依据，不予采纳。"))
    return ids
