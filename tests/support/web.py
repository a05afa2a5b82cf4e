"""An app on a real database with a movable clock, three accounts and a started round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from entrypoints.web.app import create_app
from kernel.clock import FixedClock
from storage.uow import UnitOfWork
from tests.support.cli import write_config
from tests.support.scenario import STAFF, new_round, setup_office
from workflow.config import Settings, load_settings
from workflow.services.accounts import add_user
from workflow.services.links import link_token

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
