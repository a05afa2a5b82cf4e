"""A unit's progress link revoked and re-sent, as reply links are: the old token reaches nothing, the new one
goes out with the request notice, a link revoked without a new one is listed as such until reissued, and
every step is an audit event — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from kernel.errors import Conflict, NotFound
from kernel.tokens import reply_token
from notifications.compose import Composer
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import SECRET, STAFF
from tests.support.tracking import small_measures
from workflow.notices import WorkflowFacts
from workflow.services.progress import (
    StartProgress,
    remind_progress,
    request_for_unit,
    resolve_progress_link,
    start_progress,
)
from workflow.services.progress_links import progress_links, request_in_round, revoke_progress_link
from workflow.tracking.schedule import ProgressSettings

BASE = "https://ajw.example.cn"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 10, 8, 1, 0, tzinfo=UTC))


def test_revoking_and_resending_a_progress_link(engine: Engine, clock: FixedClock) -> None:
    office, _items = small_measures(engine, clock)
    with UnitOfWork(engine) as uow:
        rnd = start_progress(uow, clock, STAFF, StartProgress(office, "2024-10"), ProgressSettings(), SECRET)
    with UnitOfWork(engine) as uow:
        water = request_for_unit(uow, rnd.round_id, "市水利局")
        before = {x.unit: x.url for x in progress_links(uow, SECRET, BASE, rnd.round_id)}
    old = reply_token(SECRET, water.nonce)
    assert before["市水利局"] == f"{BASE}/p/{old}"

    with UnitOfWork(engine) as uow:
        revoke_progress_link(uow, clock, STAFF, water.id or 0, secret=SECRET)
    with UnitOfWork(engine) as uow, pytest.raises(NotFound) as gone:
        resolve_progress_link(uow, clock, old)
    assert gone.value.code == "PROGRESS_LINK_INVALID"
    with UnitOfWork(engine) as uow:
        after = {x.unit: x.url for x in progress_links(uow, SECRET, BASE, rnd.round_id)}
        new = after["市水利局"].rsplit("/", 1)[1]
        assert resolve_progress_link(uow, clock, new).writable
        composer = Composer(WorkflowFacts(BASE, SECRET), clock)
        resent = [composer(uow, m).text for m in uow.outbox.of_kind("progress_request") if m.unit_id == water.unit_id]
    assert new != old and after["住建局"] == before["住建局"], "only this unit's link changes"
    assert len(resent) == 2 and after["市水利局"] in resent[1], "the new link goes out with the request notice"

    # Revoked without a new one: listed as revoked, the notice cannot carry it, a second revoke is refused.
    with UnitOfWork(engine) as uow:
        revoke_progress_link(uow, clock, STAFF, water.id or 0, secret=SECRET, reissue=False)
    with UnitOfWork(engine) as uow:
        listed = {x.unit: x for x in progress_links(uow, SECRET, BASE, rnd.round_id)}
        assert WorkflowFacts(BASE, SECRET).progress_url(uow, water.id or 0) is None
    assert listed["市水利局"].url is None and listed["市水利局"].revoked_at == clock.now()
    with UnitOfWork(engine) as uow, pytest.raises(Conflict) as twice:
        revoke_progress_link(uow, clock, STAFF, water.id or 0, secret=SECRET, reissue=False)
    assert twice.value.code == "PROGRESS_LINK_ALREADY_REVOKED"
    with UnitOfWork(engine) as uow, pytest.raises(NotFound):
        resolve_progress_link(uow, clock, new)
    clock.set(datetime(2024, 10, 24, 10, 0, tzinfo=UTC))  # 18:00 Beijing, the day before the due time
    remind_progress(uow_factory(engine), clock, 24)
    with UnitOfWork(engine) as uow:
        reminded = {m.unit_id for m in uow.outbox.of_kind("progress_reminder")}
    assert water.unit_id not in reminded and len(reminded) == 2, "no reminder carrying a revoked link"

    with UnitOfWork(engine) as uow:
        revoke_progress_link(uow, clock, STAFF, water.id or 0, secret=SECRET)  # reissued later
    with UnitOfWork(engine) as uow:
        third = {x.unit: x.url for x in progress_links(uow, SECRET, BASE, rnd.round_id)}["市水利局"]
        assert third is not None and resolve_progress_link(uow, clock, third.rsplit("/", 1)[1]).writable
        events = [e for e in uow.audit.events() if e.action.startswith("progress_link.")]
        assert uow.audit.verify().ok
    assert [(e.action, json.loads(e.payload)["reissued"]) for e in events] == [
        ("progress_link.revoked", True),
        ("progress_link.revoked", False),
        ("progress_link.reissued", True),
    ]
    assert all(e.actor == STAFF.name and json.loads(e.payload)["unit"] == "市水利局" for e in events)


def test_a_request_is_checked_against_the_round_in_the_address(engine: Engine, clock: FixedClock) -> None:
    office, _items = small_measures(engine, clock)
    with UnitOfWork(engine) as uow:
        rnd = start_progress(uow, clock, STAFF, StartProgress(office, "2024-10"), ProgressSettings(), SECRET)
    with UnitOfWork(engine) as uow, pytest.raises(NotFound) as foreign:
        request_in_round(uow, rnd.round_id + 1, 1)
    assert foreign.value.code == "PROGRESS_REQUEST_NOT_FOUND"
    with UnitOfWork(engine) as uow, pytest.raises(NotFound) as no_round:
        progress_links(uow, SECRET, BASE, rnd.round_id + 1)
    assert no_round.value.code == "PROGRESS_ROUND_NOT_FOUND"
