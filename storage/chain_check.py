"""The audit chain's per-row check, on plain DB-API rows; standard library only.

Why a module of its own: ``storage.audit.verify_chain`` hands seq ranges of a large SQLite trail to
helper processes that run this file as a script (``python chain_check.py DB LO HI``), and a script that
imports nothing but ``sqlite3`` and ``hashlib`` starts in milliseconds, where importing SQLAlchemy would
cost more than the work it shares. The bytes hashed are exactly ``storage.audit.event_material``'s
(tests/unit/test_audit__chain_check.py compares them).
"""

from __future__ import annotations

import gc
import json
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from hashlib import sha256
from typing import Any

GENESIS_HASH = "0" * 64
EVENT_COLUMNS = (
    "seq",
    "at",
    "actor",
    "role",
    "action",
    "entity",
    "round_id",
    "from_state",
    "to_state",
    "payload",
    "imported",
    "prev_hash",
    "hash",
    "office_id",
)
"""An audit event's stored columns in the order the checker, the writer and the export use them."""
COLUMNS = ", ".join(EVENT_COLUMNS)
BATCH = 20000


def iso(at: datetime) -> str:
    """An instant as the chain hashes it: UTC, microseconds, ``Z``."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def stored_at(value: Any) -> str:
    """An event's time as hashed, from what the driver returns: SQLite's text as ``db_stamp`` writes it
    (``2026-03-01 02:00:00.000000``, rewritten without parsing), other text parsed, else a datetime."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return f"{value[:10]}T{value[11:]}Z"
        value = datetime.fromisoformat(value)
    return iso(value)


def _seg(value: str) -> str:
    return f"{len(value)}:{value};"


@lru_cache(maxsize=4096)
def constant_parts(
    at: str, actor: str, role: str, action: str, from_state: str | None, to_state: str | None, imported: bool
) -> tuple[str, str, str]:
    """The fields consecutive events mostly share, encoded once (same bytes as field by field)."""
    f = "\x00" if from_state is None else from_state
    t = "\x00" if to_state is None else to_state
    return _seg(at) + _seg(actor) + _seg(role) + _seg(action), _seg(f) + _seg(t), "1:1;" if imported else "1:0;"


Verdict = tuple[str, int, int | None, str]
"""(fault or "", rows checked, first bad seq or None, stored hash of the last good row)."""


def check_rows(fetch: Callable[[int], Sequence[Sequence[Any]]], lo: int, hi: int | None, prev: str) -> Verdict:
    """Check the events with ``lo < seq <= hi`` (no upper bound if ``hi`` is None), given the stored hash
    of event ``lo``: each must follow its predecessor's seq, name its stored hash, and hash to its own.
    ``fetch(last)`` returns the next batch after seq ``last`` in seq order (empty at the end). A bounded
    range that ends early is a gap at the first missing seq, as a walk over the whole trail finds it.

    Why inlined: this runs once per event of a million-event trail, and every call, lookup and copy per
    row showed in the profile (the material is ``storage.audit.event_material``'s, built in one f-string).
    """
    expected = lo + 1
    checked = 0
    parts = constant_parts
    while True:
        rows = fetch(expected - 1)
        if not rows:
            break
        for (
            seq,
            at,
            actor,
            role,
            action,
            entity,
            round_id,
            from_state,
            to_state,
            payload,
            imported,
            prev_hash,
            stored,
            office_id,
        ) in rows:
            if seq != expected:
                return "gap", checked, expected, prev
            if prev_hash != prev:
                return "prev_hash", checked, seq, prev
            if at.__class__ is str and len(at) == 26 and at[10] == " " and at[19] == ".":
                at = f"{at[:10]}T{at[11:]}Z"
            else:
                at = stored_at(at)
            head, states, flag = parts(at, actor, role, action, from_state, to_state, bool(imported))
            s = str(seq)
            r = "" if round_id is None else str(round_id)
            if office_id is None:
                material = f"{len(s)}:{s};{head}{len(entity)}:{entity};{len(r)}:{r};{states}{len(payload)}:{payload};{flag}64:{prev_hash};"  # noqa: E501
            else:
                o = str(office_id)
                material = f"{len(s)}:{s};{head}{len(entity)}:{entity};{len(r)}:{r};{states}{len(payload)}:{payload};{flag}64:{prev_hash};office{len(o)}:{o};"  # noqa: E501
            if sha256(material.encode()).hexdigest() != stored:
                return "hash", checked, seq, prev
            prev = stored
            expected += 1
            checked += 1
            if hi is not None and seq == hi:
                return "", checked, None, prev
    if hi is not None:
        return "gap", checked, expected, prev  # a bounded range ends at hi; a later range holds what follows
    return "", checked, None, prev


def check_sqlite_range(conn: Any, lo: int, hi: int | None, batch: int = BATCH) -> Verdict:
    """``check_rows`` over a plain sqlite3 connection, starting from the stored hash of event ``lo``."""
    cursor = conn.cursor()
    prev = GENESIS_HASH
    if lo > 0:
        found = cursor.execute("SELECT hash FROM auditevent WHERE seq = ?", (lo,)).fetchone()
        if found is None:  # the range before this one reports the missing event first
            return "gap", 0, lo, prev
        prev = found[0]
    bound = "" if hi is None else f" AND seq <= {int(hi)}"
    sql = f"SELECT {COLUMNS} FROM auditevent WHERE seq > ?{bound} ORDER BY seq LIMIT {int(batch)}"

    def fetch(last: int) -> Sequence[Sequence[Any]]:
        return cursor.execute(sql, (last,)).fetchall()

    try:
        return check_rows(fetch, lo, hi, prev)
    finally:
        cursor.close()


def main(argv: list[str]) -> int:
    """``chain_check.py DATABASE LO HI``: check one range of a SQLite trail, print the verdict as JSON."""
    database, lo, hi = argv[0], int(argv[1]), (None if argv[2] == "-" else int(argv[2]))
    # A short-lived process that makes no cycles: the collector's passes over each batch's row tuples cost
    # about a tenth of the check and free nothing.
    gc.disable()
    conn = sqlite3.connect(database, timeout=30)
    try:
        conn.execute("PRAGMA query_only=ON")
        verdict = check_sqlite_range(conn, lo, hi)
    finally:
        conn.close()
    sys.stdout.write(json.dumps(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
