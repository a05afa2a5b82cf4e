"""Two offices on one database, each with a round sent for legality review, built through the real services.

Office A is the demo office (the seed's profile); office B is a flood-control office (市防指办) of the same
city: the same reviewing unit (市司法局), a unit with the same name as one of A's, its own categories.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from kernel.clock import FixedClock
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import DRAFT_TEXT, SECRET, STAFF, new_round, setup_office
from workflow.comment_input import CommentInput
from workflow.parsing.draft_text import parse_draft_text
from workflow.parsing.units_file import UnitRecord
from workflow.profiles import load_profile_file
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide
from workflow.services.drafts import import_draft
from workflow.services.offices import ensure_office
from workflow.services.replies import ScanFile, SubmitReply, submit_reply
from workflow.services.review import submit_review
from workflow.services.rounds import StartRound, start_round
from workflow.services.units import import_units

PROFILES = Path(__file__).resolve().parents[1] / "fixtures" / "profiles"
FLOOD_FILE = PROFILES / "flood-office.toml"
COUNTY_FILE = PROFILES / "county-office.toml"
FLOOD = load_profile_file(FLOOD_FILE)
SHARED_NAME = "市应急管理局"  # a unit both offices have, each its own
SCAN = b"%PDF-1.4\n% sealed paper reply of office B\n%%EOF\n"


@dataclass(frozen=True)
class TwoOffices:
    a: int
    b: int
    round_a: int
    round_b: int
    draft_b: int
    unit_a: int  # A's 市应急管理局
    unit_b: int  # B's 市应急管理局
    recipient_b: int
    reply_b: int
    comment_b: int
    attachment_b: int


def _reply(engine: Engine, clock: FixedClock, cmd: SubmitReply) -> tuple[int, list[int]]:
    with UnitOfWork(engine) as uow:
        stored = submit_reply(uow, clock, STAFF, cmd)
    return stored.reply_id, stored.comment_ids


def two_offices(engine: Engine, clock: FixedClock) -> TwoOffices:
    a = setup_office(engine, clock, units=3)
    with UnitOfWork(engine) as uow:
        import_units(uow, clock, STAFF, [UnitRecord(SHARED_NAME, "市安委会成员单位", (), "甲", "1")], office_id=a)
    with UnitOfWork(engine) as uow:
        b = ensure_office(uow, clock, STAFF, FLOOD.name, profile=FLOOD)
    records = [
        UnitRecord(SHARED_NAME, "市防指成员单位", ("应急局",), "乙", "2", "yjj@flood.example.cn"),
        UnitRecord("兑镇镇", "乡镇（街道）", (), "丙", "3", "dz@flood.example.cn"),
    ]
    with UnitOfWork(engine) as uow:
        import_units(uow, clock, STAFF, records, office_id=b)
    deadline = clock.now() + timedelta(days=1)
    round_a = new_round(engine, clock, a, deadline, 1)
    with UnitOfWork(engine) as uow:
        draft_b = import_draft(
            uow,
            clock,
            STAFF,
            parse_draft_text(DRAFT_TEXT),
            title="关于做好2026年汛期工作的通知",
            issuer=FLOOD.issuer,
            filename="汛期.txt",
            office_id=b,
        ).draft_id
    with UnitOfWork(engine) as uow:
        round_b = start_round(
            uow,
            clock,
            STAFF,
            StartRound(
                draft_id=draft_b,
                office_id=b,
                doc_number="示防指办函〔2026〕1号",
                deadline=deadline,
                contact="张明",
                phone="0358-1234567",
                all_units=True,
            ),
            secret=SECRET,
        ).round_id
    _, comments_a = _reply(
        engine,
        clock,
        SubmitReply(round_id=round_a, unit_name="测试单位001", comments=[CommentInput("序号3", "甲意见")]),
    )
    reply_b, comments_b = _reply(
        engine,
        clock,
        SubmitReply(
            round_id=round_b,
            unit_name=SHARED_NAME,
            comments=[CommentInput("序号3", "乙办的意见：补充山洪预警")],
            channel="paper",
            sealed=True,
            received_at=clock.now(),
            attachment=ScanFile("回复.pdf", "application/pdf", SCAN),
        ),
    )
    clock.advance(timedelta(days=2))
    sweep(uow_factory(engine), clock)
    for comment in (*comments_a, *comments_b):
        with UnitOfWork(engine) as uow:
            decide(uow, clock, STAFF, Decide(comment, "adopted", ""))
    for rid in (round_a, round_b):
        with UnitOfWork(engine) as uow:
            submit_review(uow, clock, STAFF, rid)
    with UnitOfWork(engine) as uow:
        unit_a = next(u.id for u in uow.directory.units(a) if u.name == SHARED_NAME)
        unit_b = next(u.id for u in uow.directory.units(b) if u.name == SHARED_NAME)
        recipient_b = next(r.id for r, u in uow.rounds.recipients(round_b) if u.name == SHARED_NAME)
        [attachment] = uow.replies.attachments([reply_b])
    return TwoOffices(
        a,
        b,
        round_a,
        round_b,
        draft_b,
        unit_a or 0,
        unit_b or 0,
        recipient_b or 0,
        reply_b,
        comments_b[0],
        attachment.id or 0,
    )
