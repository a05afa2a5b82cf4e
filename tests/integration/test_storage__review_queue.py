"""The reviewer's queue in one query, on SQLite and PostgreSQL: each reviewed round once, with its latest review
(the highest id, whatever the times say), newest round first; the pending filter, paging and counts agree with
the rows; the office scope holds (a reviewer sees the offices its unit serves, nobody else's); and the rows are
those the queue gave when it loaded every round as an object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from kernel.clock import FixedClock
from kernel.timefmt import iso_beijing
from states.draft import DRAFT_MACHINE
from states.review import REVIEW_MACHINE
from storage import models as m
from storage.uow import UnitOfWork
from tests.support.review_rows import T0, closed_round
from tests.support.scenario import STAFF
from workflow.services.accounts import add_user, served_offices
from workflow.services.queries import REVIEW_PAGE_SIZE, review_counts, review_queue, review_queue_page

CITY, COUNTY = "市司法局", "县司法局"


@dataclass(frozen=True)
class World:
    offices: dict[str, int]  # A and B reviewed by the city's bureau, C by the county's
    latest: dict[int, str]  # round id → the state of its latest review (every reviewed round)
    office_of: dict[int, int]  # round id → its office
    unreviewed: int  # a round of A never sent for review
    resubmitted: int  # a round of A returned, then sent again (its latest review dated earlier than the first)
    orphan: int  # a reviewed round of A whose draft names no office (a scope does not see the draft)


def _world(engine: Engine) -> World:
    """Three offices' rounds and reviews as rows: plain inserts, the repository is what is tested."""
    latest: dict[int, str] = {}
    office_of: dict[int, int] = {}
    with UnitOfWork(engine) as uow:
        s = uow.session
        offices = {}
        for code, name, reviewer in (("A", "甲办", CITY), ("B", "乙办", CITY), ("C", "丙办", COUNTY)):
            office = m.Office(name=f"{name}全称", short_name=name, reviewer_unit=reviewer, code=f"office-{code}")
            s.add(office)
            s.flush()
            offices[code] = office.id or 0
        n = 0

        def new_round(office: str, *, draft_office: bool = True, issued: str | None = None) -> int:
            nonlocal n
            n += 1
            rid = closed_round(
                s, offices[office], f"{office}文稿{n}", f"{office}函〔2026〕{n}号",
                draft_office=draft_office, issued=issued,
            )
            office_of[rid] = offices[office]
            return rid

        def review(round_id: int, state: str, requested: datetime) -> None:
            rnd = s.get(m.Round, round_id)
            assert rnd is not None
            s.add(
                m.LegalityReview(
                    round_id=round_id,
                    draft_id=rnd.draft_id,
                    version=1,
                    state=state,
                    requested_at=requested,
                    due_at=None if state != "pending" else requested + timedelta(days=15),
                    decided_at=None if state == "pending" else requested + timedelta(days=3),
                )
            )
            s.flush()
            latest[round_id] = state

        plan = [
            *(("A", "pending"), ("B", "approved"), ("C", "returned"), ("A", "approved"), ("B", "pending")),
            *(("C", "approved"), ("A", "returned"), ("B", "returned"), ("A", "pending"), ("B", "approved")),
        ]
        rounds = [new_round(office) for office, _ in plan]
        unreviewed = new_round("A")
        orphan = new_round("A", draft_office=False)
        issued = new_round("B", issued="乙发〔2026〕1号")
        for k, (rid, (_, state)) in enumerate(zip(rounds, plan, strict=True)):
            review(rid, state, T0 + timedelta(days=k))
        # returned, then resubmitted: the new review is the latest, though it is dated before the first
        review(rounds[6], "pending", T0 - timedelta(days=30))
        review(rounds[1], "returned", T0)  # approved once, then sent again and returned (the highest id wins)
        review(orphan, "pending", T0)
        review(issued, "approved", T0)
        review(issued, "approved", T0 + timedelta(days=1))  # two reviews of one round: one row
        uow.commit()
    return World(offices, latest, office_of, unreviewed, rounds[6], orphan)


def _expected(w: World, offices: tuple[int, ...] | None, *, pending_only: bool = False) -> list[int]:
    return sorted(
        (
            rid
            for rid, state in w.latest.items()
            if (offices is None or w.office_of[rid] in offices) and (state == "pending" or not pending_only)
        ),
        reverse=True,
    )


def _old_queue(uow: UnitOfWork) -> list[dict[str, Any]]:
    """The queue as the service built it before: every round as an object, two queries per reviewed round."""
    reviewed = set(uow.session.exec(select(m.LegalityReview.round_id).distinct()).all())
    out = []
    for rnd in reversed(list(uow.rounds.all())):
        if rnd.id not in reviewed:
            continue
        last = uow.rounds.reviews(rnd.id or 0)[-1]
        draft = uow.drafts.get(rnd.draft_id)
        names = {i: o.short_name or o.name for i, o in uow.directory.offices_by_ids([rnd.office_id]).items()}
        out.append(
            {
                "round_id": rnd.id,
                "doc_number": rnd.doc_number,
                "title": draft.title if draft else "",
                "office_id": rnd.office_id,
                "office": names.get(rnd.office_id, ""),
                "draft_state": draft.state if draft else None,
                "state_label": DRAFT_MACHINE.label(draft.state) if draft else "",
                "issued_doc_number": draft.issued_doc_number if draft else None,
                "review_state": last.state,
                "review_state_label": REVIEW_MACHINE.label(last.state),
                "requested_at": iso_beijing(last.requested_at),
                "due_at": iso_beijing(last.due_at) if last.due_at else None,
            }
        )
    return out


@pytest.fixture
def world(engine: Engine) -> World:
    return _world(engine)


def test_each_reviewed_round_once_with_its_latest_review_newest_first(engine: Engine, world: World) -> None:
    w = world
    with UnitOfWork(engine, read_only=True) as uow:
        rows = uow.rounds.review_queue()
        assert [r.round_id for r in rows] == _expected(w, None)
        assert w.unreviewed not in {r.round_id for r in rows}
        assert {r.round_id: r.review_state for r in rows} == w.latest
        [again] = [r for r in rows if r.round_id == w.resubmitted]
        assert (again.review_state, again.requested_at) == ("pending", T0 - timedelta(days=30))
        assert again.due_at == T0 - timedelta(days=15)
        assert [r.round_id for r in uow.rounds.review_queue(pending_only=True)] == _expected(w, None, pending_only=True)
        assert uow.rounds.review_queue_counts() == (len(w.latest), list(w.latest.values()).count("pending"))
        assert review_queue(uow) == _old_queue(uow), "the rows the queue gave before, in the same order"
        issued = [r for r in rows if r.issued_doc_number]
        assert [r.issued_doc_number for r in issued] == ["乙发〔2026〕1号"]


def test_pages_cover_every_row_once_in_order(engine: Engine, world: World) -> None:
    with UnitOfWork(engine, read_only=True) as uow:
        for pending_only in (False, True):
            whole = [r.round_id for r in uow.rounds.review_queue(pending_only=pending_only)]
            total = uow.rounds.review_queue_counts()[1 if pending_only else 0]
            assert len(whole) == total
            paged = []
            for offset in range(0, total + 3, 3):
                paged += [
                    r.round_id for r in uow.rounds.review_queue(pending_only=pending_only, offset=offset, limit=3)
                ]
            assert paged == whole
            assert uow.rounds.review_queue(pending_only=pending_only, offset=total, limit=3) == []
            assert [r.round_id for r in uow.rounds.review_queue(pending_only=pending_only, offset=1)] == whole[1:]


def test_the_office_scope_holds(engine: Engine, world: World, clock: FixedClock) -> None:
    w = world
    a, b, c = (w.offices[k] for k in "ABC")
    for scope in [(a,), (b,), (c,), (a, b), (a, b, c), ()]:
        with UnitOfWork(engine, offices=scope, read_only=True) as uow:
            rows = uow.rounds.review_queue()
            assert [r.round_id for r in rows] == _expected(w, scope), scope
            assert {r.office_id for r in rows} <= set(scope)
            pending = _expected(w, scope, pending_only=True)
            assert [r.round_id for r in uow.rounds.review_queue(pending_only=True)] == pending
            assert uow.rounds.review_queue_counts() == (len(_expected(w, scope)), len(pending))
            assert review_queue(uow) == _old_queue(uow), scope
    with UnitOfWork(engine, offices=(a,), read_only=True) as uow:
        [orphan] = [r for r in uow.rounds.review_queue() if r.round_id == w.orphan]
        assert (orphan.draft_title, orphan.draft_state) == (None, None), "a draft out of scope is not read"
    with UnitOfWork(engine) as uow:
        reviewer = add_user(
            uow, clock, STAFF, username="sfj", display_name="审查员", role="reviewer", password="p" * 12, office_id=a
        )
        served = tuple(sorted(served_offices(uow, reviewer)))
        uow.commit()
    assert served == (a, b), "the city's bureau reviews for A and B, not the county's C"
    with UnitOfWork(engine, offices=served, read_only=True) as uow:
        offices = {r["office"] for r in review_queue(uow)}
    assert offices == {"甲办", "乙办"}


def test_the_page_shows_what_waits_unless_nothing_does(engine: Engine, world: World) -> None:
    w = world
    a, c = w.offices["A"], w.offices["C"]
    with UnitOfWork(engine, read_only=True) as uow:
        counts = review_counts(uow)
        first = review_queue_page(uow)
        assert first["show"] == "pending" and first["matching"] == counts["pending"] > 0
        assert [i["round_id"] for i in first["items"]] == _expected(w, None, pending_only=True)
        everything = review_queue_page(uow, show="all", page=-4)
        assert everything["page"] == 1 and everything["matching"] == counts["all"] == len(w.latest)
        assert review_queue_page(uow, show="nonsense")["show"] == "pending"
        assert review_queue_page(uow, show="all", page=10**9)["page"] == 1 == everything["pages"]
        assert REVIEW_PAGE_SIZE == 50
    with UnitOfWork(engine, offices=(c,), read_only=True) as uow:
        # C's only reviewed rounds were decided: nothing waits, so the queue shows them all
        assert _expected(w, (c,), pending_only=True) == []
        shown = review_queue_page(uow)
        assert shown["show"] == "all" and [i["round_id"] for i in shown["items"]] == _expected(w, (c,))
        assert review_queue_page(uow, show="pending")["items"] == []
    with UnitOfWork(engine, offices=(a,), read_only=True) as uow:
        assert review_queue_page(uow)["counts"] == {
            "all": len(_expected(w, (a,))),
            "pending": len(_expected(w, (a,), pending_only=True)),
        }
