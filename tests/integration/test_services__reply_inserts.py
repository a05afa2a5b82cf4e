"""A reply and its comments are written as plain inserts (issue 13): the ids the service reports and
audits are the stored rows' own, in the order the unit wrote the comments, and a scan is still recorded
on the reply row with its digest."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from sqlalchemy import Engine, select

from kernel.clock import FixedClock
from storage.models import AuditEvent, Comment, Reply, ReplyAttachment
from storage.uow import UnitOfWork
from tests.integration.test_services__link_intake import T0
from tests.support.scenario import STAFF, new_round, setup_office
from workflow.comment_input import CommentInput
from workflow.services.replies import ScanFile, SubmitReply, submit_reply

TEXTS = ["第一条意见。", "第二条意见。", "第三条意见。", "第四条意见。"]


def _round(engine: Engine) -> tuple[FixedClock, int, int]:
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=2)
    round_id = new_round(engine, clock, office, T0 + timedelta(days=1), 1)
    with UnitOfWork(engine) as uow:
        unit_id = uow.rounds.recipients(round_id)[0][1].id or 0
    return clock, round_id, unit_id


def test_comment_ids_are_the_stored_rows_in_the_units_order(engine: Engine) -> None:
    clock, round_id, unit_id = _round(engine)
    comments = [CommentInput(target=f"序号{n % 2 + 1}", text=t, basis="", reason="") for n, t in enumerate(TEXTS)]
    for _revision in (1, 2):  # a second revision: its ids follow the first's, and supersede it
        with UnitOfWork(engine) as uow:
            stored = submit_reply(uow, clock, STAFF, SubmitReply(round_id=round_id, unit_id=unit_id, comments=comments))
    with UnitOfWork(engine) as uow:
        rows = uow.session.execute(
            select(Comment.id, Comment.seq, Comment.text, Comment.reply_id).where(Comment.reply_id == stored.reply_id)
        ).all()
        replies = uow.session.execute(select(Reply.id, Reply.revision, Reply.superseded).order_by(Reply.id)).all()
        events = uow.session.execute(
            select(AuditEvent.payload).where(AuditEvent.action == "reply.submitted").order_by(AuditEvent.seq)
        ).scalars()
        payload = json.loads(list(events)[-1])
    by_seq = {seq: (id_, text) for id_, seq, text, _r in rows}
    assert stored.comment_ids == [by_seq[n][0] for n in range(1, 5)]
    assert [by_seq[n][1] for n in range(1, 5)] == TEXTS
    assert [(i["id"], i["seq"], i["text"]) for i in payload["comment_items"]] == [
        (by_seq[n][0], n, TEXTS[n - 1]) for n in range(1, 5)
    ]
    assert payload["reply_id"] == stored.reply_id and stored.revision == 2
    assert [(r.revision, r.superseded) for r in replies] == [(1, True), (2, False)]


def test_a_scan_is_recorded_on_the_reply_row(engine: Engine) -> None:
    clock, round_id, unit_id = _round(engine)
    data = b"%PDF-1.4 sealed paper form"
    cmd = SubmitReply(
        round_id=round_id,
        unit_id=unit_id,
        no_comments=True,
        channel="paper",
        sealed=True,
        attachment=ScanFile("回复表.pdf", "application/pdf", data),
    )
    with UnitOfWork(engine) as uow:
        stored = submit_reply(uow, clock, STAFF, cmd)
    digest = hashlib.sha256(data).hexdigest()
    with UnitOfWork(engine) as uow:
        reply = uow.replies.get(stored.reply_id)
        kept = uow.session.execute(select(ReplyAttachment).where(ReplyAttachment.reply_id == stored.reply_id)).one()[0]
        event = uow.session.execute(
            select(AuditEvent.payload).where(AuditEvent.action == "reply.submitted")
        ).scalar_one()
    assert reply is not None and (reply.attachment_name, reply.attachment_sha256) == ("回复表.pdf", digest)
    assert (reply.channel, reply.sealed, reply.late, reply.admitted, reply.kind) == (
        "paper",
        True,
        False,
        False,
        "no_comments",
    )
    assert (kept.sha256, kept.size, kept.data) == (digest, len(data), data)
    assert json.loads(event)["attachment_sha256"] == digest
    assert stored.comment_ids == []
