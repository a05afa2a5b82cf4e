"""The hash chain detects an edited, deleted or reordered row, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

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


def _verdict(engine: Engine):  # type: ignore[no-untyped-def]
    with UnitOfWork(engine) as uow:
        return verify_chain(uow.session)


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
