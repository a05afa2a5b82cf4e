"""Rate-limit counters: one upsert per request, so limits hold across server processes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage import models as m
from storage.bulk import db_stamp, execute, fetch_one


@cache
def _table() -> Any:
    """The counters' table, looked up on first use: importing this module creates no table class (storage.models)."""
    return m.RateLimitCounter.__table__  # type: ignore[attr-defined]


# Every use of a link (and every login) counts: plain SQL (``storage.bulk``), as SQLAlchemy's own work per
# statement cost more than the statements. The window start is written as ``UTCDateTime`` stores it.
_HIT = (
    "INSERT INTO rate_limit_counter (bucket, key_hash, window_start, hits) VALUES (?, ?, ?, 1) "
    "ON CONFLICT (bucket, key_hash, window_start) DO UPDATE SET hits = rate_limit_counter.hits + 1 RETURNING hits"
)
_WINDOW_HITS = "(SELECT hits FROM rate_limit_counter WHERE bucket = ? AND key_hash = ? AND window_start = ?)"
_PURGE = "DELETE FROM rate_limit_counter WHERE bucket = ? AND window_start < ?"


class RateLimitRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def hit(self, bucket: str, key_hash: str, window_start: datetime) -> int:
        """Count one hit in this window and return the window's total, atomically."""
        row = fetch_one(self.session, _HIT, (bucket, key_hash, db_stamp(self.session, window_start)))
        assert row is not None  # RETURNING
        return int(row[0])

    def hit_and_read(
        self, bucket: str, key_hash: str, window_start: datetime, windows: Sequence[tuple[str, str, datetime]]
    ) -> tuple[int, list[int]]:
        """``hit``, and the hits of other (bucket, key hash, window start), 0 where none were counted, in one
        statement (subqueries in its RETURNING). Not the window counted: whether a subquery sees the new
        count differs between the databases."""
        assert (bucket, key_hash, window_start) not in windows, "read the counted window from the count"
        returning = "".join(f", {_WINDOW_HITS}" for _ in windows)
        params = [bucket, key_hash, db_stamp(self.session, window_start)]
        params += [v for b, k, w in windows for v in (b, k, db_stamp(self.session, w))]
        row = fetch_one(self.session, _HIT + returning, params)
        assert row is not None  # RETURNING
        return int(row[0]), [int(hits or 0) for hits in row[1:]]

    def hits(self, bucket: str, key_hash: str, window_start: datetime) -> int:
        table = _table()
        row = self.session.execute(
            select(table.c.hits).where(
                table.c.bucket == bucket, table.c.key_hash == key_hash, table.c.window_start == window_start
            )
        ).scalar_one_or_none()
        return int(row or 0)

    def hits_in(self, bucket: str, key_hash: str, current: datetime, previous: datetime) -> tuple[int, int]:
        """This window's and the previous window's hits, in one query."""
        table = _table()
        rows = dict(
            self.session.execute(
                select(table.c.window_start, table.c.hits).where(
                    table.c.bucket == bucket,
                    table.c.key_hash == key_hash,
                    table.c.window_start.in_([current, previous]),
                )
            ).all()
        )
        return int(rows.get(current, 0)), int(rows.get(previous, 0))

    def probe_write(self, at: datetime) -> None:
        """A tiny write (the caller rolls it back): proves the database accepts writes, not only reads."""
        table = _table()
        self.session.execute(table.insert().values(bucket="healthz", key_hash="write-probe", window_start=at, hits=0))
        self.session.flush()

    def purge(self, bucket: str, before: datetime) -> None:
        """Windows that can no longer count are dropped, so the table stays as small as the traffic."""
        execute(self.session, _PURGE, (bucket, db_stamp(self.session, before)))
