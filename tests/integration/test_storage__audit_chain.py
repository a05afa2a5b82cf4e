"""The hash chain detects an edited, deleted or reordered row, on SQLite and PostgreSQL.

Every verdict is computed twice: by one walk over the trail, and cut into seq ranges checked side by side
(helper processes on SQLite; PostgreSQL walks alone either way). Both must name the same fault at the same
seq with the same count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from storage import audit
from storage.audit import PendingEvent, verify_chain
from storage.uow import UnitOfWork

T0 = datetime(2023, 2, 17, 1, 0, tzinfo=UTC)


def _append(engine: Engine, n: int) -> None:
    for i in range(n):
        with UnitOfWork(engine) as uow:
            uow.audit.record(
                PendingEvent(
                    at=T0 + timedelta(minutes=i),
                    actor="赵健",
                    role="staff",
                    action="test.event",
                    entity=f"thing:{i}",
                    payload={"i": i, "文字": "中文"},
                )
            )
            uow.commit()


def _verdict(engine: Engine, processes: int = 3):  # type: ignore[no-untyped-def]
    with UnitOfWork(engine) as uow:
        alone = verify_chain(uow.session, processes=1)
    with UnitOfWork(engine, read_only=True) as uow:
        side_by_side = verify_chain(uow.session, processes=processes, parallel_min=1)
    assert side_by_side == alone
    return alone


def test_intact_chain_verifies(engine: Engine) -> None:
    _append(engine, 5)
    verdict = _verdict(engine)
    assert verdict.ok and verdict.checked == 5


def test_edited_row_is_named(engine: Engine) -> None:
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("UPDATE auditevent SET actor = '他人' WHERE seq = 3"))
    verdict = _verdict(engine)
    assert not verdict.ok and verdict.first_bad_seq == 3


def test_edited_payload_is_named(engine: Engine) -> None:
    _append(engine, 4)
    with engine.begin() as conn:
        conn.execute(text("UPDATE auditevent SET payload = :p WHERE seq = 2"), {"p": '{"i":99}'})
    assert _verdict(engine).first_bad_seq == 2


def test_deleted_row_is_named(engine: Engine) -> None:
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM auditevent WHERE seq = 4"))
    verdict = _verdict(engine)
    assert not verdict.ok and verdict.first_bad_seq == 4


def test_deleted_tail_is_detected(engine: Engine) -> None:
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM auditevent WHERE seq = 5"))
    verdict = _verdict(engine)
    assert not verdict.ok and verdict.first_bad_seq == 5


def test_reordered_rows_are_detected(engine: Engine) -> None:
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("UPDATE auditevent SET seq = 100 WHERE seq = 2"))
        conn.execute(text("UPDATE auditevent SET seq = 2 WHERE seq = 3"))
        conn.execute(text("UPDATE auditevent SET seq = 3 WHERE seq = 100"))
    verdict = _verdict(engine)
    assert not verdict.ok and verdict.first_bad_seq == 2


def test_events_of_a_rolled_back_transaction_are_not_written(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.audit.record(PendingEvent(at=T0, actor="a", role="staff", action="x", entity="y"))
        # leaving without commit
    _append(engine, 1)
    verdict = _verdict(engine)
    assert verdict.ok and verdict.checked == 1


@pytest.mark.parametrize("missing", [1, 2, 3, 4, 5, 6, 7])
def test_a_missing_event_at_any_range_boundary_is_the_first_fault(engine: Engine, missing: int) -> None:
    """Seven events in three ranges, (0, 2], (2, 4], (4, …): a deleted first, last or boundary event is
    reported where a single walk reports it."""
    _append(engine, 7)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM auditevent WHERE seq = :s"), {"s": missing})
    verdict = _verdict(engine)
    assert not verdict.ok and verdict.first_bad_seq == missing and verdict.checked == missing - 1


@pytest.mark.parametrize("edited", [1, 2, 3, 4, 5, 6])
def test_an_edited_event_in_any_range_is_named(engine: Engine, edited: int) -> None:
    _append(engine, 7)
    with engine.begin() as conn:
        conn.execute(text("UPDATE auditevent SET entity = 'x' WHERE seq = :s"), {"s": edited})
        conn.execute(text("UPDATE auditevent SET actor = 'y' WHERE seq = 7"))
    verdict = _verdict(engine, processes=4)
    assert (verdict.ok, verdict.first_bad_seq, verdict.fault, verdict.checked) == (False, edited, "hash", edited - 1)


def test_a_rehashed_event_breaks_the_next_link(engine: Engine) -> None:
    """An event edited and given a fresh hash still no longer fits its successor's prev_hash."""
    _append(engine, 6)
    with engine.begin() as conn:
        conn.execute(text("UPDATE auditevent SET hash = :h WHERE seq = 4"), {"h": "f" * 64})
    verdict = _verdict(engine)
    assert (verdict.first_bad_seq, verdict.fault) == (4, "hash")
    with engine.begin() as conn:  # the stored hash of 4 is now also what 5 names: only 4 itself is wrong
        conn.execute(text("UPDATE auditevent SET prev_hash = :h WHERE seq = 5"), {"h": "f" * 64})
    assert (_verdict(engine).first_bad_seq, _verdict(engine).fault) == (4, "hash")


def test_a_deleted_head_row_is_detected(engine: Engine) -> None:
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audithead"))
    verdict = _verdict(engine)
    assert (verdict.ok, verdict.fault, verdict.checked) == (False, "head_missing", 5)


def test_a_long_trail_verifies_in_ranges(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches and ranges both cut the trail: 50 events, batches of 7 (this process's), four ranges."""
    monkeypatch.setattr(audit, "VERIFY_BATCH", 7)
    with UnitOfWork(engine) as uow:
        uow.audit.record_many(
            PendingEvent(at=T0 + timedelta(seconds=i), actor="系统", role="system", action="x", entity=f"e:{i}")
            for i in range(50)
        )
        uow.commit()
    verdict = _verdict(engine, processes=4)
    assert verdict.ok and verdict.checked == 50


def test_runs_of_alike_events_are_stored_event_by_event_with_their_links(engine: Engine) -> None:
    """One transaction appends runs of alike events around single ones (a sweep's shape): runs longer than,
    exactly and just over one multi-row INSERT, and their remainders, each stored with its own fields and
    linked to its predecessor, onto a trail that already has events."""
    _append(engine, 2)
    size = audit.ROWS_PER_INSERT
    expected: list[tuple[str, str, int | None, str]] = []  # (action, entity, office_id, payload), in order
    with UnitOfWork(engine) as uow:
        for n, single in ((2 * size + 3, "a"), (size, "b"), (size + 1, "c"), (1, "d")):
            uow.audit.record(PendingEvent(at=T0, actor="赵健", role="staff", action=f"single.{single}", entity="x:1"))
            expected.append((f"single.{single}", "x:1", None, "{}"))
            rows = [(f"recipient:{single}{i}", 100 + i % 3, f'{{"i":{i}}}', 1 + i % 2) for i in range(n)]
            uow.audit.record_rows(
                (T0, "系统", "system", "recipient.deemed_no_objection", entity, round_id, "pending",
                 "deemed_no_objection", payload, False, office)
                for entity, round_id, payload, office in rows
            )  # fmt: skip
            expected += [("recipient.deemed_no_objection", e, o, p) for e, _, p, o in rows]
        uow.commit()
    verdict = _verdict(engine)
    assert verdict.ok and verdict.checked == 2 + len(expected)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT action, entity, office_id, payload FROM auditevent WHERE seq > 2 ORDER BY seq")
        ).all()
    assert [tuple(r) for r in stored] == expected


def test_sqlite_ranges_are_checked_by_helper_processes(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The helpers really answer (their ranges are not quietly re-checked here), faults included."""
    _append(sqlite_engine, 9)

    def refuse(*_args: object) -> None:
        raise AssertionError("a helper's range was checked in this process")

    monkeypatch.setattr(audit.chain_check, "check_sqlite_range", refuse)
    with UnitOfWork(sqlite_engine) as uow:
        assert verify_chain(uow.session, processes=3, parallel_min=1) == audit.ChainVerdict(True, 9)
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE auditevent SET payload = '{}' WHERE seq = 2"))
    with UnitOfWork(sqlite_engine) as uow:
        assert verify_chain(uow.session, processes=3, parallel_min=1) == audit.ChainVerdict(False, 1, 2, "hash")


def test_a_helper_that_cannot_start_leaves_its_range_to_this_process(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _append(sqlite_engine, 9)
    with sqlite_engine.begin() as conn:
        conn.execute(text("DELETE FROM auditevent WHERE seq = 3"))
    monkeypatch.setattr(audit.sys, "executable", "/nonexistent/python")
    with UnitOfWork(sqlite_engine) as uow:
        assert verify_chain(uow.session, processes=3, parallel_min=1) == audit.ChainVerdict(False, 2, 3, "gap")
