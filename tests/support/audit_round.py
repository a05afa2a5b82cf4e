"""A whole round through the real services (start, replies, revision, sweep, late reply admitted,
decisions, review, issue), for the audit tests: every kind of event the trail holds, on one database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from kernel.clock import FixedClock
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import STAFF, new_round, setup_office
from workflow.comment_input import CommentInput
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide
from workflow.services.issuance import issue
from workflow.services.replies import SubmitReply, admit_late_reply, submit_reply
from workflow.services.review import record_review, submit_review


@dataclass(frozen=True)
class Built:
    round_id: int
    comment_ids: list[int]
    late_reply_id: int


def _reply(engine: Engine, clock: FixedClock, round_id: int, unit: str, *texts: str) -> list[int]:
    comments = [CommentInput(target="序号4", text=t, basis="省级文件", reason="完善表述") for t in texts]
    with UnitOfWork(engine) as uow:
        stored = submit_reply(
            uow, clock, STAFF, SubmitReply(round_id=round_id, unit_name=unit, comments=comments, no_comments=not texts)
        )
    return stored.comment_ids


def full_round(engine: Engine, clock: FixedClock) -> Built:
    office = setup_office(engine, clock, units=5)
    rid = new_round(engine, clock, office, clock.now() + timedelta(days=2), 1)
    clock.advance(timedelta(hours=1))
    _reply(engine, clock, rid, "测试单位001", "建议增加：成立消防安全专业委员会。")
    clock.advance(timedelta(hours=1))
    first = _reply(engine, clock, rid, "测试单位001", "建议增加：成立消防安全专业委员会。", "建议补充养老院。")
    _reply(engine, clock, rid, "测试单位002")
    second = _reply(engine, clock, rid, "测试单位003", "建议删去“原则上”。")
    clock.advance(timedelta(days=2))
    sweep(uow_factory(engine), clock)
    late = _reply(engine, clock, rid, "测试单位004", "逾期意见：建议增加应急演练。")
    with UnitOfWork(engine) as uow:
        late_reply = uow.replies.comment(late[0])
        late_reply_id = late_reply.reply_id if late_reply else 0
    with UnitOfWork(engine) as uow:
        admit_late_reply(uow, clock, STAFF, late_reply_id, "经主要负责同志同意纳入")
    ids = [*first, *second, *late]
    outcomes = [("adopted", ""), ("partly_adopted", "部分内容已在序号5中体现。"), ("rejected", "理由不充分。")]
    for n, comment_id in enumerate(ids):
        outcome, reason = outcomes[n % len(outcomes)]
        with UnitOfWork(engine) as uow:
            decide(uow, clock, STAFF, Decide(comment_id, outcome, reason))
    with UnitOfWork(engine) as uow:
        submit_review(uow, clock, STAFF, rid)
    with UnitOfWork(engine) as uow:
        record_review(uow, clock, STAFF, rid, approve=True, reviewer="市司法局", opinion="同意印发。")
    with UnitOfWork(engine) as uow:
        issue(uow, clock, STAFF, rid, "孝政发〔2026〕1号")
    return Built(rid, ids, late_reply_id)
