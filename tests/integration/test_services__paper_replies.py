"""A sealed paper form that arrived before the deadline but is registered after the sweep counts as on time;
one that arrived after it stays late. Judged by the received time, audited with both times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from kernel.clock import FixedClock
from kernel.errors import Conflict
from storage.audit import verify_chain
from storage.models import AuditEvent
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import STAFF, new_round, setup_office
from workflow.reports.adoption import adoption_table
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide
from workflow.services.queries import round_status
from workflow.services.replies import CommentInput, SubmitReply, submit_reply
from workflow.services.review import submit_review

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
COMMENT = CommentInput("第3项", "建议增加“每月通报一次”。", "《安全生产法》第二十一条", "便于督促落实。")


def _paper(unit: str, received_at: datetime, comments: tuple[CommentInput, ...] = (COMMENT,)) -> SubmitReply:
    return SubmitReply(
        round_id=0, unit_name=unit, comments=comments, channel="paper", received_at=received_at, sealed=True
    )


def _reply(engine: Engine, clock: FixedClock, rid: int, cmd: SubmitReply):  # type: ignore[no-untyped-def]
    with UnitOfWork(engine) as uow:
        return submit_reply(uow, clock, STAFF, SubmitReply(**{**cmd.__dict__, "round_id": rid}))


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with UnitOfWork(engine) as uow:
        return list(uow.session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_paper_reply_received_in_time_but_registered_after_the_sweep(engine: Engine) -> None:
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=4)
    deadline = T0 + timedelta(days=1)
    rid = new_round(engine, clock, office, deadline, 1)
    clock.set(deadline + timedelta(minutes=30))
    assert sweep(uow_factory(engine), clock).deemed_no_objection == 4

    in_time = _reply(engine, clock, rid, _paper("测试单位001", deadline - timedelta(hours=1)))
    too_late = _reply(engine, clock, rid, _paper("测试单位002", deadline + timedelta(minutes=10)))
    assert (in_time.late, in_time.state) == (False, "with_comments")
    assert (too_late.late, too_late.state) == (True, "deemed_no_objection")

    with UnitOfWork(engine) as uow:
        status = round_status(uow, rid)
        table = adoption_table(uow, rid)
        assert verify_chain(uow.session).ok
    states = {r["unit"]: (r["state"], r["late"], r["channel"]) for r in status["recipients"]}
    assert states["测试单位001"] == ("with_comments", False, "paper")
    assert states["测试单位002"] == ("deemed_no_objection", True, None)
    assert [c["unit"] for c in status["comments"]] == ["测试单位001"], "only the in-time reply is in the queue"
    assert [r["unit"] for r in status["late_replies"]] == ["测试单位002"]
    counts = {g["reply_category"]: g["count"] for g in table["groups"]}
    assert counts == {"with_comments": 1, "deemed_no_objection": 3}

    registered = _events(engine, "reply.submitted")[-1]
    assert (registered.from_state, registered.to_state) == ("deemed_no_objection", "with_comments")
    payload = json.loads(registered.payload)
    assert payload["registered_after_deadline"] == deadline.isoformat()
    assert payload["received_at"] == (deadline - timedelta(hours=1)).isoformat()
    assert registered.at == clock.now() and registered.actor == STAFF.name


def test_no_paper_reply_once_the_draft_has_gone_to_review(engine: Engine) -> None:
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=2)
    deadline = T0 + timedelta(days=1)
    rid = new_round(engine, clock, office, deadline, 1)
    clock.advance(timedelta(hours=2))
    first = _reply(engine, clock, rid, _paper("测试单位001", T0 + timedelta(hours=1)))
    clock.set(deadline + timedelta(hours=1))
    sweep(uow_factory(engine), clock)
    with UnitOfWork(engine) as uow:
        decide(uow, clock, STAFF, Decide(first.comment_ids[0], "adopted"))
    with UnitOfWork(engine) as uow:
        submit_review(uow, clock, STAFF, rid)
    before = len(_events(engine, "reply.submitted"))
    with pytest.raises(Conflict) as err:
        _reply(engine, clock, rid, _paper("测试单位002", deadline - timedelta(hours=2)))
    assert err.value.code == "ROUND_CLOSED_FOR_REPLIES"
    assert len(_events(engine, "reply.submitted")) == before
    with UnitOfWork(engine) as uow:
        assert {r["unit"]: r["state"] for r in round_status(uow, rid)["recipients"]}["测试单位002"] == (
            "deemed_no_objection"
        )
