"""The dashboard's figures, from grouped queries, against rounds in every stage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from kernel.clock import FixedClock
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import STAFF, new_round, setup_office
from workflow.services.dashboard import dashboard
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide
from workflow.services.replies import CommentInput, SubmitReply, submit_reply
from workflow.services.review import submit_review

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _reply(engine: Engine, clock: FixedClock, rid: int, unit: str, comments: int) -> list[int]:
    cmd = SubmitReply(
        round_id=rid,
        unit_name=unit,
        no_comments=comments == 0,
        comments=[CommentInput(f"第{n}项", f"意见{n}") for n in range(1, comments + 1)],
    )
    with UnitOfWork(engine) as uow:
        return submit_reply(uow, clock, STAFF, cmd).comment_ids


def _decide_all(engine: Engine, clock: FixedClock, ids: list[int]) -> None:
    for cid in ids:
        with UnitOfWork(engine) as uow:
            decide(uow, clock, STAFF, Decide(cid, "adopted"))


def test_dashboard_figures(engine: Engine) -> None:
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=4)
    open_round = new_round(engine, clock, office, T0 + timedelta(days=3), 1)
    deciding = new_round(engine, clock, office, T0 + timedelta(days=1), 2)
    reviewed = new_round(engine, clock, office, T0 + timedelta(days=1), 3)
    clock.advance(timedelta(hours=1))
    _reply(engine, clock, open_round, "测试单位001", 2)
    _reply(engine, clock, open_round, "测试单位002", 0)
    first = _reply(engine, clock, deciding, "测试单位001", 1)
    _reply(engine, clock, deciding, "测试单位002", 2)
    _reply(engine, clock, deciding, "测试单位002", 1)  # the revision replaces the two comments
    to_review = _reply(engine, clock, reviewed, "测试单位003", 2)
    clock.advance(timedelta(days=1))
    sweep(uow_factory(engine), clock)
    _reply(engine, clock, deciding, "测试单位003", 3)  # late: not in the queue unless admitted
    _decide_all(engine, clock, first + to_review)
    with UnitOfWork(engine) as uow:
        submit_review(uow, clock, STAFF, reviewed)

    with UnitOfWork(engine) as uow:
        board = dashboard(uow, clock)
    rows = {r["round"].id: r for r in board["rounds"]}
    figures = {
        rid: (r["recipients"], r["silent"], r["comments"], r["undecided"], r["round"].state) for rid, r in rows.items()
    }
    assert figures == {
        open_round: (4, 2, 2, 0, "open"),  # comments of an open round are decided after the deadline
        deciding: (4, 0, 2, 1, "closed"),
        reviewed: (4, 0, 2, 0, "closed"),
    }
    assert [r["round"].id for r in board["rounds"]] == [reviewed, deciding, open_round], "newest first"
    assert rows[open_round]["time_left_text"] and rows[deciding]["time_left"] is None
    assert board["totals"] == {"open": 1, "silent": 2, "undecided": 1, "in_review": 1}
    assert board["totals"]["undecided"] == sum(r["undecided"] for r in board["rounds"]), "the rows add up to the total"
    assert (rows[deciding]["replied"], rows[deciding]["deemed"]) == (2, 2), "a closed round counts the deemed units"
    assert [t["kind"] for t in board["todos"]] == ["decide"] and "1条意见待作出采纳决定" in board["todos"][0]["text"]


def test_the_dashboard_page_searches_filters_and_pages_in_sql_like_the_full_dashboard(engine: Engine) -> None:
    """``dashboard_page`` (SQL) shows what ``dashboard`` + ``filter_rounds`` (every round in memory) show."""
    from workflow.services.dashboard import PER_PAGE, dashboard_page, filter_rounds

    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=2)
    ids = [new_round(engine, clock, office, T0 + timedelta(hours=12 + n), n + 1) for n in range(PER_PAGE + 5)]
    clock.advance(timedelta(hours=1))
    _reply(engine, clock, ids[0], "测试单位001", 2)
    with UnitOfWork(engine) as uow:
        full = dashboard(uow, clock)
        for q, state, year, page in [("", "", "", 1), ("", "", "", 2), ("", "", "", 99), ("1", "", "", 1),
                                     ("", "soliciting", "", 2), ("", "", "2026", 1), ("", "", "1999", 1),
                                     ("", "", "x", 1)]:  # fmt: skip
            want = filter_rounds(full["rounds"], q=q, state=state, year=year, page=page)
            got = dashboard_page(uow, clock, q=q, state=state, year=year, page=page)
            assert (got["matching"], got["page"], got["pages"], got["years"]) == (
                want["matching"], want["page"], want["pages"], want["years"]
            ), (q, state, year, page)  # fmt: skip
            strip = ("round", "draft")
            assert [{k: v for k, v in r.items() if k not in strip} | {"id": r["round"].id} for r in got["rounds"]] == [
                {k: v for k, v in r.items() if k not in strip} | {"id": r["round"].id} for r in want["rounds"]
            ]
            assert got["totals"] == full["totals"] and got["todos"] == full["todos"]
    assert len(dashboard_page_rows(engine, clock, 2)) == 5, "page 2 holds the five oldest rounds"


def dashboard_page_rows(engine: Engine, clock: FixedClock, page: int) -> list[int]:
    from workflow.services.dashboard import dashboard_page

    with UnitOfWork(engine) as uow:
        return [r["round"].id for r in dashboard_page(uow, clock, page=page)["rounds"]]
