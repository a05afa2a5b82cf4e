"""The chain checker hashes exactly the bytes the writer hashed (``storage.audit.event_material``).

``storage.chain_check`` builds each event's material inline, for speed; these rows cover what could make
the two differ: non-ASCII text, NULL round and states, the imported flag, an office or none, and the
time as SQLite returns it (text) and as PostgreSQL does (a datetime)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from typing import Any

import pytest

from storage.audit import GENESIS_HASH, event_hash, event_material
from storage.chain_check import check_rows, stored_at

T0 = datetime(2026, 3, 1, 2, 0, 0, 123456, tzinfo=UTC)


def _events() -> list[list[Any]]:
    """Stored rows, each with the hash the writer gives it (``event_hash``), chained."""
    rows = []
    prev = GENESIS_HASH
    cases = itertools.product(
        [None, 7],  # round
        [(None, None), ("pending", "已回复"), ("", "x;y:1")],  # from/to states (empty text is not NULL)
        [False, True],  # imported
        [None, 1, 12345],  # office
        ['{"文字":"中文；冒号:"}', "{}", '{"e":"\\u0000😀"}'],  # payload
    )
    for n, (round_id, (f, t), imported, office, payload) in enumerate(cases, start=1):
        at = T0 + timedelta(seconds=n, microseconds=n)
        digest = event_hash(
            seq=n, at=at, actor="赵健" if n % 2 else "a:b;", role="staff", action="reply.submitted",
            entity=f"recipient:{n}", round_id=round_id, from_state=f, to_state=t, payload=payload,
            imported=imported, prev_hash=prev, office_id=office,
        )  # fmt: skip
        naive = at.replace(tzinfo=None)
        rows.append(
            [n, naive, "赵健" if n % 2 else "a:b;", "staff", "reply.submitted", f"recipient:{n}", round_id, f, t,
             payload, int(imported), prev, digest, office]
        )  # fmt: skip
        prev = digest
    return rows


def _fetcher(rows: list[list[Any]]) -> Callable[[int], list[list[Any]]]:
    def fetch(last: int) -> list[list[Any]]:
        return [r for r in rows if r[0] > last][:5]

    return fetch


@pytest.mark.parametrize("as_text", [True, False], ids=["sqlite-text", "datetime"])
def test_the_checker_accepts_every_writer_hash(as_text: bool) -> None:
    rows = _events()
    if as_text:
        for r in rows:
            r[1] = r[1].strftime("%Y-%m-%d %H:%M:%S.%f")
    fault, checked, bad, last = check_rows(_fetcher(rows), 0, None, GENESIS_HASH)
    assert (fault, checked, bad, last) == ("", len(rows), None, rows[-1][12])


def test_the_material_is_the_writers() -> None:
    """The same bytes, not just a matching hash: one row rebuilt through ``event_material``."""
    r = _events()[-1]
    material = event_material(
        r[0], stored_at(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], bool(r[10]), r[11], r[13]
    )
    assert sha256(material).hexdigest() == r[12]


def test_a_changed_field_is_a_hash_fault() -> None:
    rows = _events()
    rows[9][9] = rows[9][9] + " "
    assert check_rows(_fetcher(rows), 0, None, GENESIS_HASH)[:3] == ("hash", 9, 10)


def test_a_bounded_range_stops_at_its_end() -> None:
    rows = _events()
    fault, checked, bad, last = check_rows(_fetcher(rows), 4, 9, rows[3][12])
    assert (fault, checked, bad, last) == ("", 5, None, rows[8][12])
    del rows[8]
    assert check_rows(_fetcher(rows), 4, 9, rows[3][12])[:3] == ("gap", 4, 9)
