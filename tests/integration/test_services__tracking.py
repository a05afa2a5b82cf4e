"""Tracking after issue through the real database: the seed's measures table, the issued demo draft,
and two monthly progress rounds (reported, not reported, overdue, supervised, signed off)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from kernel.errors import Conflict, DomainError
from notifications.compose import Composer
from states.progress_round import ProgressRequestState
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import SECRET, STAFF
from tests.support.tracking import MEASURES_SEED, demo_office, issue_demo_draft
from workflow.notices import WorkflowFacts
from workflow.reports.tracking import measures_rows, progress_summary
from workflow.scheduler import DeadlineScheduler, SchedulerSettings
from workflow.services.progress import (
    EntryInput,
    EvidenceInput,
    ReportProgress,
    StartProgress,
    report_progress,
    request_for_unit,
    start_progress,
    sweep_progress,
)
from workflow.services.tracking import ImportMeasures, close_item, import_measures, list_items, map_unit, supervise
from workflow.tracking.schedule import ProgressSettings

SMALL_TABLE = """\
| 问题类别 | 具体问题 | 整改措施 | 省责任单位及责任人 | 市责任单位及责任人 | 完成时限 | 当月工作开展情况 |
|---|---|---|---|---|---|---|
| （一）防汛责任 | 1. 河道堤防隐患多。 | 1. 完成河道堤防除险加固。 | 省水利厅 | 市水利局牵头，市气象局配合 | 10月底 | |
| （二）城市安全 | 1. 电动自行车飞线充电。 | 1. 建成集中充电场所。 | 省住建厅 | 市住建局 | 11月底 | |
| （三）森林防火 | 1. 防火通道不足。 | 1. 新建防火通道。 | 省林业局 | 市林业局 | 年内 | |
"""


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 6, 1, 1, 0, tzinfo=UTC))


def beijing(day: str, hour: int) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(UTC)


def test_the_seed_measures_table_imports_with_its_due_dates_and_faults(engine: Engine, clock: FixedClock) -> None:
    office = demo_office(engine, clock)
    with UnitOfWork(engine) as uow:
        result = import_measures(
            uow, clock, STAFF, ImportMeasures(office, "措施表.txt", MEASURES_SEED.read_bytes(), date(2024, 6, 1))
        )
    assert len(result.items) == 13
    assert sorted({i["category"][:3] for i in result.items}) == ["（一）", "（三）", "（二）", "（四）"]
    dues = {i["measure"][:8]: i["due"] for i in result.items}
    assert dues["把学习贯彻习近平"] == "2024-10-31" and dues["重点行业领域围绕"] == "2024-11-30"
    assert set(result.items[0]) == {"id", "category", "problem", "measure", "units", "due", "status", "overdue"}
    assert "住建局" in result.items[0]["units"], "各级安委会成员单位 → every committee member unit"
    problem_codes = {p["code"] for p in result.problems}
    assert {
        "HEADER_CONTENT_MISMATCH",
        "PROGRESS_REPEATS_UNITS",
        "PROBLEM_HOLDS_MEASURES",
        "PERSON_TYPO",
    } <= problem_codes
    unresolved = [p["message"] for p in result.problems if p["code"] == "UNIT_UNRESOLVED"]
    assert any("市县人民政府" in m for m in unresolved)


def test_a_mapping_is_kept_for_the_office_and_reused_by_the_next_import(engine: Engine, clock: FixedClock) -> None:
    office = demo_office(engine, clock)
    with UnitOfWork(engine) as uow:
        import_measures(
            uow, clock, STAFF, ImportMeasures(office, "a.txt", MEASURES_SEED.read_bytes(), date(2024, 6, 1))
        )
    with UnitOfWork(engine) as uow:
        mapped = map_unit(uow, clock, STAFF, office, "市县人民政府", "住建局")
    assert mapped.items_updated == 2
    with UnitOfWork(engine) as uow:
        again = import_measures(
            uow, clock, STAFF, ImportMeasures(office, "b.txt", MEASURES_SEED.read_bytes(), date(2024, 6, 1))
        )
    assert not any("市县人民政府" in p["message"] for p in again.problems if p["code"] == "UNIT_UNRESOLVED")


def test_issuing_the_demo_draft_tracks_its_29_tasks_with_units_or_listed_unmapped(
    engine: Engine, clock: FixedClock
) -> None:
    office = demo_office(engine, clock)
    issue_demo_draft(engine, clock, office)
    with UnitOfWork(engine) as uow:
        items = uow.tracking.items(office)
        units = uow.tracking.units_of([i.id or 0 for i in items])
        events = [e.action for e in uow.audit.events()]
    assert [i.seq for i in items] == list(range(1, 30))
    for item in items:
        assert units[item.id or 0] or item.unresolved != "[]", f"task {item.seq} has units or names to map"
    flood = next(i for i in items if i.problem == "做好重点灾害防范工作")
    roles = {u.name: link.role for link, u in units[flood.id or 0]}
    assert roles["市林业局"] == roles["市水利局"] == roles["气象局"] == "lead", "森林火灾/水旱灾害/气象灾害 leads"
    assert roles["公安局"] == "support" and roles["兑镇镇"] == "support"
    assert next(i for i in items if i.seq == 9).due_date == date(2024, 12, 31), "年内 in task 9"
    assert "tasks.tracked" in events and events.index("tasks.tracked") > events.index("draft.issued") - 2


def _report(engine: Engine, clock: FixedClock, round_id: int, unit: str, status: str, text: str) -> None:
    with UnitOfWork(engine) as uow:
        request = request_for_unit(uow, round_id, unit)
        items = [int(i) for i in json.loads(request.item_ids)]
    with UnitOfWork(engine) as uow:
        report_progress(
            uow,
            clock,
            STAFF,
            ReportProgress(
                request.id or 0,
                [EntryInput(i, status, text) for i in items],
                [EvidenceInput(items[0], "现场照片.jpg", "image/jpeg", b"\xff\xd8photo")],
            ),
        )


def test_two_monthly_rounds_reported_silent_overdue_supervised_and_signed_off(
    engine: Engine, clock: FixedClock
) -> None:
    office = demo_office(engine, clock)
    with UnitOfWork(engine) as uow:
        imported = import_measures(
            uow, clock, STAFF, ImportMeasures(office, "t.md", SMALL_TABLE.encode(), date(2024, 6, 1))
        )
    flood, ebike, forest = (i["id"] for i in imported.items)
    settings = ProgressSettings(due_day=25)

    # October: the water bureau and the weather bureau report, housing reports done, forestry is silent.
    clock.set(beijing("2024-10-08", 9))
    with UnitOfWork(engine) as uow:
        october = start_progress(uow, clock, STAFF, StartProgress(office, "2024-10"), settings, SECRET)
    assert october.units == ["住建局", "市林业局", "市水利局", "气象局"]
    assert october.due == beijing("2024-10-25", 17)
    _report(engine, clock, october.round_id, "市水利局", "推进中", "已完成3处堤防加固")
    _report(engine, clock, october.round_id, "气象局", "推进中", "汛期预警已发布")
    _report(engine, clock, october.round_id, "住建局", "已完成", "集中充电场所已建成投用")
    clock.set(beijing("2024-10-25", 17) + timedelta(minutes=1))
    with pytest.raises(Conflict) as changed:
        _report(engine, clock, october.round_id, "市水利局", "受阻", "改口")
    assert changed.value.code == "PROGRESS_AFTER_DUE", "an on-time report is not changed after the due time"
    assert sweep_progress(uow_factory(engine), clock).not_reported == 1
    assert sweep_progress(uow_factory(engine), clock).not_reported == 0, "enforced exactly once"
    clock.set(beijing("2024-10-26", 9))
    _report(engine, clock, october.round_id, "市林业局", "推进中", "补报")  # late: kept, still 未报送 for October

    with UnitOfWork(engine) as uow, pytest.raises(DomainError) as no_evidence:
        close_item(uow, clock, STAFF, ebike, "", b"")
    assert no_evidence.value.code == "SIGNOFF_EVIDENCE_REQUIRED"
    with UnitOfWork(engine) as uow, pytest.raises(DomainError) as not_done:
        close_item(uow, clock, STAFF, flood, "验收.pdf", b"%PDF")
    assert not_done.value.code == "TRANSITION_FORBIDDEN", "only an item reported done is signed off"
    with UnitOfWork(engine) as uow:
        close_item(uow, clock, STAFF, ebike, "验收报告.pdf", b"%PDF-1.4 accepted")

    # November: the flood measure (10月底) is overdue and supervised; forestry reports this time.
    clock.set(beijing("2024-11-01", 9))
    with UnitOfWork(engine) as uow:
        overdue = list_items(uow, clock, office, overdue=True)
    assert [i["id"] for i in overdue] == [flood]
    with UnitOfWork(engine) as uow:
        supervise(uow, clock, STAFF, flood, "11月15日前完成剩余堤段加固")
    with UnitOfWork(engine) as uow:
        november = start_progress(uow, clock, STAFF, StartProgress(office, "2024-11"), settings, SECRET)
    assert november.units == ["市林业局", "市水利局", "气象局"], "no request for a unit whose items are closed"
    _report(engine, clock, november.round_id, "市水利局", "受阻", "汛后施工队伍不足")
    _report(engine, clock, november.round_id, "气象局", "推进中", "配合完成")
    _report(engine, clock, november.round_id, "市林业局", "推进中", "防火通道已开工")

    with UnitOfWork(engine) as uow:
        oct_summary = progress_summary(uow, clock, office, "2024-10")
        nov_summary = progress_summary(uow, clock, office, "2024-11")
        oct_table = measures_rows(uow, clock, office, month="2024-10")
        nov_table = measures_rows(uow, clock, office, month="2024-11")
        [silent] = [q for q in uow.tracking.requests(october.round_id) if q.unit_name == "市林业局"]
        october_reports = uow.tracking.reports(october.round_id)
        actions = [e.action for e in uow.audit.events()]
        assert uow.audit.verify().ok
    assert oct_summary["units"] == {
        "asked": 4,
        "reported": ["住建局", "市水利局", "气象局"],
        "not_reported": ["市林业局"],
        "reported_late": [
            {
                "unit": "市林业局",
                "reported_at": beijing("2024-10-26", 9).isoformat(),
                "reported_at_label": "2024年10月26日9时",
            }
        ],
        "pending": [],
    }
    assert oct_summary["statuses"] == {"未开始": 0, "推进中": 2, "已完成": 1, "受阻": 0}, "the late report not counted"
    assert silent.state == ProgressRequestState.reported_late and silent.not_reported_at is not None
    [late] = [r for r in october_reports if r.item_id == forest]
    assert late.late and late.text == "补报", "the late report is kept, marked late"
    assert all(not r.late for r in october_reports if r.item_id != forest)
    assert nov_summary["units"]["reported"] == ["市林业局", "市水利局", "气象局"]
    assert nov_summary["units"]["not_reported"] == []
    assert [i["id"] for i in nov_summary["items"]["overdue"]] == [flood]
    assert [i["id"] for i in nov_summary["items"]["supervised"]] == [flood]
    assert [i["id"] for i in nov_summary["items"]["closed"]] == [ebike]
    assert nov_summary["statuses"] == {"未开始": 0, "推进中": 2, "已完成": 0, "受阻": 1}
    rows = {r["item_ids"][0]: r["progress"] for r in oct_table["rows"]}
    assert rows[forest] == "市林业局：未报送；逾期报送（2024年10月26日9时）：推进中。补报"
    assert rows[ebike].startswith("【已销号】") and "住建局：已完成。集中充电场所已建成投用" in rows[ebike]
    rows = {r["item_ids"][0]: r["progress"] for r in nov_table["rows"]}
    assert rows[flood].startswith("【逾期】【挂牌督办：11月15日前完成剩余堤段加固】")
    assert "市水利局：受阻。汛后施工队伍不足" in rows[flood] and "气象局：推进中。配合完成" in rows[flood]
    assert actions.count("progress.not_reported") == 1 and "item.closed" in actions and "item.supervised" in actions
    assert actions.count("progress.reported_late") == 1


def test_the_scheduler_reminds_once_and_records_silent_units_once(engine: Engine, clock: FixedClock) -> None:
    office = demo_office(engine, clock)
    with UnitOfWork(engine) as uow:
        items = import_measures(
            uow, clock, STAFF, ImportMeasures(office, "t.md", SMALL_TABLE.encode(), date(2024, 6, 1))
        ).items
    with UnitOfWork(engine) as uow:
        supervise(uow, clock, STAFF, items[0]["id"], "汛前完成")
    clock.set(beijing("2024-10-08", 9))
    with UnitOfWork(engine) as uow:
        start_progress(uow, clock, STAFF, StartProgress(office, "2024-10"), ProgressSettings(), SECRET)
    scheduler = DeadlineScheduler(uow_factory(engine), clock, SchedulerSettings(), progress=ProgressSettings())
    composer = Composer(WorkflowFacts("https://ajw.example.cn", SECRET), clock)

    def sent(kind: str) -> list[str]:
        with UnitOfWork(engine) as uow:
            return [composer(uow, row).text for row in uow.outbox.of_kind(kind)]

    requests = sent("progress_request")
    water = next(t for t in requests if t.startswith("市水利局"))
    assert len(requests) == 4 and "https://ajw.example.cn/p/" in water and "【挂牌督办：汛前完成】" in water
    clock.set(beijing("2024-10-24", 18))
    scheduler.run_once()
    scheduler.run_once()
    assert len(sent("progress_reminder")) == 4, "one reminder per silent unit, however often the job runs"
    clock.set(beijing("2024-10-25", 17) + timedelta(seconds=1))
    scheduler.run_once()
    scheduler.run_once()
    notices = sent("progress_not_reported")
    assert len(notices) == 4 and all("记为“未报送”" in t for t in notices)
    with UnitOfWork(engine) as uow:
        actions = [e.action for e in uow.audit.events()]
    assert actions.count("progress.not_reported") == 4 and actions.count("progress.closed") == 1
