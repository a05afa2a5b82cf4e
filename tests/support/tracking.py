"""Tracking scenarios through the real services: the demo directory, the seed draft issued, the
seed measures table imported."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from kernel.clock import FixedClock
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import DEMO_PROFILE, DRAFT_TEXT, SECRET, STAFF
from workflow.demo.units import demo_units
from workflow.parsing.draft_text import parse_draft_text
from workflow.services.deadlines import sweep
from workflow.services.drafts import import_draft
from workflow.services.issuance import issue
from workflow.services.offices import ensure_office
from workflow.services.review import record_review, submit_review
from workflow.services.rounds import StartRound, start_round
from workflow.services.tracking import ImportMeasures, import_measures
from workflow.services.units import import_units

MEASURES_SEED = Path(__file__).resolve().parents[2] / "workflow/demo/data/measures_2024.txt"
"""The second seed (整改措施表), byte for byte as it came."""


def demo_office(engine: Engine, clock: FixedClock) -> int:
    """The office with the seed's unit directory (37 units)."""
    with UnitOfWork(engine) as uow:
        office_id = ensure_office(uow, clock, STAFF, DEMO_PROFILE.name, profile=DEMO_PROFILE)
    with UnitOfWork(engine) as uow:
        import_units(uow, clock, STAFF, demo_units(), office_id=office_id)
    return office_id


def issue_demo_draft(engine: Engine, clock: FixedClock, office_id: int) -> int:
    """The seed draft through a round with no comments, the legality review and issue; its draft id."""
    with UnitOfWork(engine) as uow:
        draft = import_draft(
            uow,
            clock,
            STAFF,
            parse_draft_text(DRAFT_TEXT),
            title="孝义市人民政府关于做好2023年安全生产工作的通知",
            issuer="孝义市人民政府",
            filename="draft.txt",
            office_id=office_id,
        )
    with UnitOfWork(engine) as uow:
        rid = start_round(
            uow,
            clock,
            STAFF,
            StartRound(
                draft_id=draft.draft_id,
                office_id=office_id,
                doc_number="孝安办函〔2023〕1号",
                deadline=clock.now() + timedelta(days=1),
                contact="赵健",
                phone="18335877837",
                unit_names=["市水利局"],
                all_units=False,
            ),
            secret=SECRET,
        ).round_id
    clock.advance(timedelta(days=1, minutes=1))
    sweep(uow_factory(engine), clock)
    with UnitOfWork(engine) as uow:
        submit_review(uow, clock, STAFF, rid)
    with UnitOfWork(engine) as uow:
        record_review(uow, clock, STAFF, rid, approve=True, reviewer="市司法局", opinion="符合法律法规规定。")
    with UnitOfWork(engine) as uow:
        issue(uow, clock, STAFF, rid, "孝政发〔2023〕1号")
    return draft.draft_id


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


SMALL_MEASURES = """\
| 问题类别 | 具体问题 | 整改措施 | 省责任单位及责任人 | 市责任单位及责任人 | 完成时限 | 当月工作开展情况 |
|---|---|---|---|---|---|---|
| （一）防汛责任 | 1. 河道堤防隐患多。 | 1. 完成河道堤防除险加固。 | 省水利厅 | 市水利局牵头，市气象局配合 | 10月底 | |
| （二）城市安全 | 1. 电动自行车飞线充电。 | 1. 建成集中充电场所。 | 省住建厅 | 市住建局 | 11月底 | |
"""
"""Two measures: flood (市水利局 leads, 气象局 supports) and e-bikes (住建局 alone)."""


def small_measures(engine: Engine, clock: FixedClock) -> tuple[int, list[int]]:
    """The demo office with ``SMALL_MEASURES`` imported (dated 2024-06-01): its id and the two items' ids."""
    office = demo_office(engine, clock)
    with UnitOfWork(engine) as uow:
        cmd = ImportMeasures(office, "t.md", SMALL_MEASURES.encode(), date(2024, 6, 1))
        items = import_measures(uow, clock, STAFF, cmd).items
    return office, [int(i["id"]) for i in items]
