"""A web world with something behind every GET route: an issued round with a signed document, an open round
with a link reply and a sealed paper scan, a public consultation with comments, and a month of progress
reports with evidence. Built through the real services (as the e2e tests do), on the given database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from kernel.actors import Actor, Role
from storage.uow import UnitOfWork
from tests.support.public import comment, consultation_id, open_consultation
from tests.support.scenario import DEMO_PROFILE, STAFF, new_round
from tests.support.web import SECRET, WebWorld, build_world, decided_round
from workflow.services.issuance import SignedFile, issue
from workflow.services.links import link_token, revoke_link
from workflow.services.progress import (
    EntryInput,
    EvidenceInput,
    ReportProgress,
    StartProgress,
    report_progress,
    request_token,
    start_progress,
)
from workflow.services.replies import CommentInput, ScanFile, SubmitReply, submit_reply
from workflow.services.review import record_review, submit_review
from workflow.services.tracking import ImportMeasures, import_measures
from workflow.tracking.schedule import ProgressSettings

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MONTH = "2026-03"
MEASURES = """\
| 问题类别 | 具体问题 | 整改措施 | 省责任单位及责任人 | 市责任单位及责任人 | 完成时限 | 当月工作开展情况 |
|---|---|---|---|---|---|---|
| （一）防汛 | 1. 堤防隐患多。 | 1. 完成堤防除险加固。 | 省水利厅 | 测试单位001牵头，测试单位002配合 | 3月底 | |
| （二）城市安全 | 1. 飞线充电。 | 1. 建成集中充电场所。 | 省住建厅 | 测试单位001 | 年内 | |
"""


@dataclass
class Populated:
    world: WebWorld
    issued_round: int  # decided, reviewed, issued with a signed PDF (the world's round)
    open_round: int  # before its deadline: a link reply, a sealed paper scan, a link revoked and not reissued
    public_round: int  # open to the public, with comments not yet grouped
    consultation: int
    receipt: str
    draft_id: int  # the issued round's draft
    signed_id: int
    attachment_id: int
    recipient_id: int  # the open round's recipient whose link replied
    token: str  # that recipient's link
    issued_token: str  # a link of the issued round (it shows the signed document)
    progress_round: int
    progress_token: str
    evidence_id: int


def populated_world(engine: Engine, db_url: str, tmp: Path) -> Populated:
    world = build_world(engine, db_url, tmp)
    clock = world.clock
    with UnitOfWork(engine) as uow:
        office = uow.directory.office_by_code(DEMO_PROFILE.code)
        office_id = office.id if office and office.id else 0

    # A month of progress reports: the measures, the month's round, unit 001's answer with evidence.
    with UnitOfWork(engine) as uow:
        items = import_measures(
            uow, clock, STAFF, ImportMeasures(office_id, "t.md", MEASURES.encode(), date(2026, 3, 1))
        ).items
    with UnitOfWork(engine) as uow:
        progress = start_progress(uow, clock, STAFF, StartProgress(office_id, MONTH), ProgressSettings(), SECRET)
    with UnitOfWork(engine) as uow:
        request = next(q for q in uow.tracking.requests(progress.round_id) if q.unit_name == "测试单位001")
    with UnitOfWork(engine) as uow:
        report_progress(
            uow,
            clock,
            Actor("测试单位001", Role.unit),
            ReportProgress(
                request.id or 0,
                [EntryInput(int(i["id"]), "in_progress", "推进中") for i in items],
                [EvidenceInput(int(items[0]["id"]), "现场照片.jpg", "image/jpeg", b"\xff\xd8\xff photo")],
            ),
        )
    with UnitOfWork(engine) as uow:
        [evidence] = uow.tracking.evidence(int(items[0]["id"]))

    # The public: a consultation open for a month, two comments from two people.
    public_round = open_consultation(engine, clock, office_id, clock.now() + timedelta(days=30))
    cid = consultation_id(engine, public_round)
    receipt = comment(engine, clock, cid, "建议明确第一条的责任单位。")
    comment(engine, clock, cid, "建议第二条增加完成时限。", client="203.0.113.10")

    # An open round: unit 001 replied through its link, unit 002's sealed paper form was registered.
    open_round = new_round(engine, clock, office_id, clock.now() + timedelta(days=20), 2)
    with UnitOfWork(engine) as uow:
        recipients = {u.name: r.id or 0 for r, u in uow.rounds.recipients(open_round)}
        token = link_token(uow, clock, SECRET, recipients["测试单位001"])
        uow.commit()
    with UnitOfWork(engine) as uow:
        submit_reply(
            uow,
            clock,
            Actor("测试单位001", Role.unit),
            SubmitReply(round_id=open_round, unit_name="测试单位001", comments=[CommentInput("序号8", "建议补充。")]),
        )
    with UnitOfWork(engine) as uow:
        paper = submit_reply(
            uow,
            clock,
            STAFF,
            SubmitReply(
                round_id=open_round,
                unit_name="测试单位002",
                no_comments=True,
                channel="paper",
                sealed=True,
                attachment=ScanFile("回复表.pdf", "application/pdf", PDF),
            ),
        )
    with UnitOfWork(engine) as uow:
        [attachment] = uow.replies.attachments([paper.reply_id])
    with UnitOfWork(engine) as uow:  # forwarded to the wrong person: killed, the new one not sent yet
        revoke_link(uow, clock, STAFF, recipients["测试单位003"], secret=SECRET, reissue=False)
    with engine.begin() as conn:  # as a round started before links went out with the notice: none yet
        conn.execute(text("DELETE FROM replylink WHERE recipient_id = :r"), {"r": recipients["测试单位004"]})

    # The world's round: two units comment, the deadline passes, staff decide, the review approves, issued.
    issued_token = world.token("测试单位001")
    decided_round(world)
    with UnitOfWork(engine) as uow:
        submit_review(uow, clock, STAFF, world.round_id)
    with UnitOfWork(engine) as uow:
        record_review(
            uow, clock, Actor("司法局审查员", Role.reviewer), world.round_id,
            approve=True, reviewer="市司法局", opinion="同意。",
        )
    with UnitOfWork(engine) as uow:
        draft = issue(uow, clock, STAFF, world.round_id, "孝政发〔2026〕3号", signed=SignedFile("签发.pdf", PDF))
    with UnitOfWork(engine) as uow:
        [signed] = uow.process.signed_documents(world.round_id)

    return Populated(
        world=world,
        issued_round=world.round_id,
        open_round=open_round,
        public_round=public_round,
        consultation=cid,
        receipt=receipt,
        draft_id=draft.id or 0,
        signed_id=signed.id or 0,
        attachment_id=attachment.id or 0,
        recipient_id=recipients["测试单位001"],
        token=token,
        issued_token=issued_token,
        progress_round=progress.round_id,
        progress_token=request_token(request, SECRET),
        evidence_id=evidence.id or 0,
    )
