"""Two offices on one database: a unit of work scoped to one office reads nothing of the other's (not
found, never forbidden), unit names are unique per office, every audit event names its office, and a
reviewer serves every office its reviewing unit reviews for."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from kernel.errors import DomainError, NotFound
from storage.uow import UnitOfWork
from tests.support.offices import COUNTY_FILE, SHARED_NAME, TwoOffices, two_offices
from tests.support.scenario import SECRET, STAFF
from workflow.parsing.units_file import UnitRecord
from workflow.profiles import load_profile_file
from workflow.reports.adoption import adoption_table
from workflow.reports.render import render_report
from workflow.services.accounts import add_user, current_user, login
from workflow.services.audit import export_events, verify
from workflow.services.dashboard import dashboard
from workflow.services.decisions import Decide, decide
from workflow.services.links import link_token, revoke_link, token_hash
from workflow.services.offices import ensure_office, list_offices
from workflow.services.queries import list_rounds, review_queue, round_status
from workflow.services.replies import SubmitReply, admit_late_reply, submit_reply
from workflow.services.units import import_units, update_unit

LATER = FixedClock(datetime(2023, 2, 20, 1, 0, tzinfo=UTC))
SERVER_WIDE = {"database.backup", "audit.head_restored", "auth.login_failed"}


@pytest.fixture
def world(engine: Engine, clock: FixedClock) -> TwoOffices:
    return two_offices(engine, clock)


def test_a_scoped_unit_of_work_reads_only_its_offices_rows(engine: Engine, world: TwoOffices) -> None:
    w = world
    with UnitOfWork(engine, offices=(w.a,)) as uow:
        assert [r.id for r in uow.rounds.all()] == [w.round_a]
        assert [r["round_id"] for r in list_rounds(uow)] == [w.round_a]
        assert [r["round"].id for r in dashboard(uow, LATER)["rounds"]] == [w.round_a]
        assert [o["id"] for o in list_offices(uow)] == [w.a]
        assert uow.rounds.get(w.round_b) is None and uow.drafts.get(w.draft_b) is None
        assert uow.directory.unit(w.unit_b) is None and uow.directory.unit(w.unit_a) is not None
        assert [u.name for u in uow.directory.units() if u.name == SHARED_NAME] == [SHARED_NAME]
        assert uow.replies.comment(w.comment_b) is None and uow.replies.attachment(w.attachment_b) is None
        assert uow.rounds.recipient_by_id(w.recipient_b) is None and uow.rounds.reviews(w.round_b) == []
        assert uow.rounds.recipients(w.round_b) == [] and uow.outbox.for_round(w.round_b) == []
        assert w.round_b not in uow.rounds.pending_review_round_ids()
        events = export_events(uow)
        assert events and {e["office_id"] for e in events} == {w.a}, "the office's own trail"
        assert verify(uow).ok, "the chain is the server's: verifying it reads every event"


def test_a_replys_plain_statements_keep_to_the_scope_too(engine: Engine, world: TwoOffices, clock: FixedClock) -> None:
    """A reply reads its link, recipient and round with plain SQL (``storage.bulk``), which the ORM's scope
    hook never sees: the repositories add the office conditions themselves."""
    w = world
    with UnitOfWork(engine) as uow:
        digest = token_hash(link_token(uow, clock, SECRET, w.recipient_b))
        uow.commit()
    with UnitOfWork(engine, offices=(w.a,)) as uow:
        assert uow.links.route(digest) is None and uow.links.lock_route(digest) is None
        assert uow.rounds.lock_recipient(w.round_b, w.unit_b) is None
        assert uow.rounds.reply_context(w.round_b, w.recipient_b) is None
    with UnitOfWork(engine, offices=(w.b,)) as uow:
        route, locked = uow.links.route(digest), uow.links.lock_route(digest)
        assert route is not None and route.recipient_id == w.recipient_b
        assert locked is not None and (locked[1].id, locked[2].id) == (w.recipient_b, w.unit_b)
        assert uow.rounds.lock_recipient(w.round_b, w.unit_b) == locked[1:]
        context = uow.rounds.reply_context(w.round_b, w.recipient_b)
        assert context is not None and (context.office_id, context.last_revision) == (w.b, 1)


@pytest.mark.parametrize(
    "attempt",
    [
        lambda uow, w: round_status(uow, w.round_b),
        lambda uow, w: adoption_table(uow, w.round_b),
        lambda uow, w: render_report(uow, w.round_b, "letter", "md"),
        lambda uow, w: export_events(uow, w.round_b),
        lambda uow, w: decide(uow, LATER, STAFF, Decide(w.comment_b, "rejected", "不予采纳。")),
        lambda uow, w: update_unit(uow, LATER, STAFF, w.unit_b, contact="改"),
        lambda uow, w: revoke_link(uow, LATER, STAFF, w.recipient_b, secret="secret"),
        lambda uow, w: admit_late_reply(uow, LATER, STAFF, w.reply_b, "理由"),
        lambda uow, w: submit_reply(
            uow, LATER, STAFF, SubmitReply(round_id=w.round_b, unit_id=w.unit_b, no_comments=True)
        ),
    ],
    ids=["status", "adoption", "letter", "audit", "decide", "unit", "revoke-link", "admit", "reply"],
)
def test_another_offices_rows_are_not_found_and_stay_as_they_were(engine: Engine, world: TwoOffices, attempt) -> None:  # type: ignore[no-untyped-def]
    with UnitOfWork(engine) as before:
        snapshot = before.audit.head()
    with pytest.raises(NotFound), UnitOfWork(engine, offices=(world.a,)) as uow:
        attempt(uow, world)
    with UnitOfWork(engine) as after:
        assert after.audit.head() == snapshot, "nothing was written"


def test_unit_names_are_unique_per_office_not_on_the_server(
    engine: Engine, clock: FixedClock, world: TwoOffices
) -> None:
    with UnitOfWork(engine) as uow:
        result = import_units(
            uow, clock, STAFF, [UnitRecord(SHARED_NAME, "市安委会成员单位", (), "甲改", "9")], office_id=world.a
        )
    assert (result.created, result.updated) == (0, 1), "A's own unit, updated"
    with UnitOfWork(engine) as uow:
        a_unit, b_unit = uow.directory.unit(world.unit_a), uow.directory.unit(world.unit_b)
    assert a_unit is not None and b_unit is not None
    assert (a_unit.contact, b_unit.contact) == ("甲改", "乙"), "B's unit of the same name is untouched"
    with pytest.raises(DomainError) as refused, UnitOfWork(engine, offices=(world.a,)) as uow:
        update_unit(uow, clock, STAFF, world.unit_a, name="测试单位001")
    assert refused.value.code == "UNITS_DUPLICATE"


def test_every_audit_event_names_its_office(engine: Engine, world: TwoOffices) -> None:
    with UnitOfWork(engine) as uow:
        events = list(uow.audit.events())
        assert verify(uow).ok
    nameless = [(e.seq, e.action) for e in events if e.office_id is None and e.action not in SERVER_WIDE]
    assert nameless == [], "every event names its office"
    assert {e.office_id for e in events if e.round_id == world.round_b} == {world.b}
    assert {e.office_id for e in events if e.round_id == world.round_a} == {world.a}
    b_units = [e for e in events if e.action == "unit.created" and json.loads(e.payload)["name"] == "兑镇镇"]
    assert [e.office_id for e in b_units] == [world.b]


def test_a_reviewer_serves_every_office_its_unit_reviews_for(
    engine: Engine, clock: FixedClock, world: TwoOffices
) -> None:
    county = load_profile_file(COUNTY_FILE)  # reviewed by 县司法局: not in this reviewer's queue
    with UnitOfWork(engine) as uow:
        ensure_office(uow, clock, STAFF, county.name, profile=county)
    for username, role, office in (("sfj", "reviewer", world.a), ("staff-b", "staff", world.b)):
        with UnitOfWork(engine) as uow:
            add_user(
                uow,
                clock,
                STAFF,
                username=username,
                display_name=username,
                role=role,
                password="p" * 12,
                office_id=office,
            )
    seen = {}
    for username in ("sfj", "staff-b"):
        with UnitOfWork(engine) as uow:
            token = login(uow, clock, username, "p" * 12).token
        with UnitOfWork(engine) as uow:
            user = current_user(uow, clock, token)
            assert user is not None
            uow.restrict(user.offices)
            seen[username] = (user.offices, [(r["office"], r["round_id"]) for r in review_queue(uow)])
    assert seen["sfj"] == ((world.a, world.b), [("市防指办", world.round_b), ("市安委办", world.round_a)])
    assert seen["staff-b"] == ((world.b,), [("市防指办", world.round_b)])
