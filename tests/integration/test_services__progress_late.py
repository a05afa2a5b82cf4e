"""A progress report sent after the due time is kept, marked late (逾期报送, with its time), audited; the unit
stays counted 未报送 for that month, and an on-time report cannot be changed after the due time — on SQLite
and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from kernel.errors import Conflict
from kernel.tokens import reply_token
from states.progress_round import ProgressRequestState
from states.tracked_item import TrackedItemState
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import SECRET, STAFF
from tests.support.tracking import small_measures
from workflow.reports.tracking import measures_rows, progress_series, progress_summary, summary_document
from workflow.services.progress import (
    EntryInput,
    ReportProgress,
    StartProgress,
    report_progress,
    request_for_unit,
    resolve_progress_link,
    start_progress,
    sweep_progress,
)
from workflow.tracking.schedule import ProgressSettings


def beijing(day: str, hour: int) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(beijing("2024-10-08", 9))


def report(engine: Engine, clock: FixedClock, round_id: int, unit: str, status: str, text: str) -> None:
    with UnitOfWork(engine) as uow:
        request = request_for_unit(uow, round_id, unit)
        items = [int(i) for i in json.loads(request.item_ids)]
    with UnitOfWork(engine) as uow:
        cmd = ReportProgress(request.id or 0, [EntryInput(i, status, text) for i in items])
        report_progress(uow, clock, STAFF, cmd)


def test_a_late_report_is_kept_marked_late_and_the_unit_stays_counted_not_reported(
    engine: Engine, clock: FixedClock
) -> None:
    office, (flood, ebike) = small_measures(engine, clock)
    with UnitOfWork(engine) as uow:
        rnd = start_progress(uow, clock, STAFF, StartProgress(office, "2024-10"), ProgressSettings(), SECRET)
    report(engine, clock, rnd.round_id, "市水利局", "推进中", "已加固3处")
    report(engine, clock, rnd.round_id, "气象局", "推进中", "预警已发布")

    # After the due time, before any sweep ran: 住建局 reports (pending → 逾期报送), done on its only item.
    clock.set(beijing("2024-10-25", 18))
    with UnitOfWork(engine) as uow:
        housing = request_for_unit(uow, rnd.round_id, "住建局")
        target = resolve_progress_link(uow, clock, reply_token(SECRET, housing.nonce))
    assert target.writable and target.late, "the link still takes the report, as a late one"
    report(engine, clock, rnd.round_id, "住建局", "已完成", "集中充电场所已投用")
    with pytest.raises(Conflict) as changed:
        report(engine, clock, rnd.round_id, "市水利局", "受阻", "改口")
    assert changed.value.code == "PROGRESS_AFTER_DUE"
    with UnitOfWork(engine) as uow:
        water = request_for_unit(uow, rnd.round_id, "市水利局")
        on_time = resolve_progress_link(uow, clock, reply_token(SECRET, water.nonce))
    assert not on_time.writable, "an on-time report is only shown after the due time"

    sweep = sweep_progress(uow_factory(engine), clock)
    assert (sweep.rounds, sweep.not_reported) == (1, 0), "the sweep leaves the late reporter as it is"
    clock.set(beijing("2024-10-26", 10))
    report(engine, clock, rnd.round_id, "住建局", "已完成", "集中充电场所已投用，附验收单")  # a late revision

    with UnitOfWork(engine) as uow:
        summary = progress_summary(uow, clock, office, "2024-10")
        rows = {r["item_ids"][0]: r["progress"] for r in measures_rows(uow, clock, office, month="2024-10")["rows"]}
        series = progress_series(uow, office)
        notice = summary_document(uow, clock, office, "2024-10")
        housing = request_for_unit(uow, rnd.round_id, "住建局")
        reports = {r.item_id: r for r in uow.tracking.reports(rnd.round_id) if r.request_id == housing.id}
        item = uow.tracking.item(ebike)
        events = [e for e in uow.audit.events() if e.action == "progress.reported_late"]
        payloads = [json.loads(e.payload) for e in events]
        assert uow.audit.verify().ok
    assert housing.state == ProgressRequestState.reported_late
    assert summary["units"]["not_reported"] == ["住建局"] and summary["units"]["reported"] == ["市水利局", "气象局"]
    assert summary["units"]["reported_late"] == [
        {
            "unit": "住建局",
            "reported_at": beijing("2024-10-26", 10).isoformat(),
            "reported_at_label": "2024年10月26日10时",
        }
    ]
    assert summary["statuses"]["已完成"] == 0, "a late report is not counted in the month's statuses"
    assert series[0]["not_reported"] == 1
    assert reports[ebike].late and reports[ebike].text == "集中充电场所已投用，附验收单"
    assert (
        rows[ebike]
        == "【已报完成，待销号】\n住建局：未报送；逾期报送（2024年10月26日10时）：已完成。集中充电场所已投用，附验收单"
    )
    assert "市水利局：推进中。已加固3处" in rows[flood] and "逾期" not in rows[flood]
    assert item is not None and item.state == TrackedItemState.reported_done, "staff still sign it off"
    text = "".join(getattr(b, "text", "") for b in notice.blocks)
    assert "住建局（其中逾期报送：住建局于2024年10月26日10时）" in text
    assert [p["late"] for p in payloads] == [True, True] and payloads[0]["revision"] is False
    assert [e.from_state for e in events] == [ProgressRequestState.pending, ProgressRequestState.reported_late]
    assert payloads[0]["due"] == beijing("2024-10-25", 17).isoformat()


def test_a_unit_marked_not_reported_may_still_send_its_report_late(engine: Engine, clock: FixedClock) -> None:
    office, _items = small_measures(engine, clock)
    with UnitOfWork(engine) as uow:
        rnd = start_progress(uow, clock, STAFF, StartProgress(office, "2024-10"), ProgressSettings(), SECRET)
    clock.set(beijing("2024-10-25", 17) + timedelta(seconds=1))
    assert sweep_progress(uow_factory(engine), clock).not_reported == 3
    clock.advance(timedelta(days=3))
    report(engine, clock, rnd.round_id, "气象局", "推进中", "补报")
    with UnitOfWork(engine) as uow:
        summary = progress_summary(uow, clock, office, "2024-10")
        weather = request_for_unit(uow, rnd.round_id, "气象局")
        actions = [e.action for e in uow.audit.events()]
    assert weather.state == ProgressRequestState.reported_late and weather.not_reported_at is not None
    assert summary["units"]["not_reported"] == ["住建局", "市水利局", "气象局"], "still 未报送 for October"
    assert [x["unit"] for x in summary["units"]["reported_late"]] == ["气象局"]
    assert actions.count("progress.not_reported") == 3 and actions.count("progress.reported_late") == 1
