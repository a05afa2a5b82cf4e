"""Rate-limit counters: one upsert per request, so limits hold across server processes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import Session

from storage.bulk import upsert_insert
from storage.models import RateLimitCounter

_TABLE = RateLimitCounter.__table__  # type: ignore[attr-defined]


class RateLimitRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def hit(self, bucket: str, key_hash: str, window_start: datetime) -> int:
        """Count one hit in this window and return the window's total, atomically."""
        insert = upsert_insert(self.session)
        assert insert is not None, "rate limits need INSERT … ON CONFLICT (SQLite or PostgreSQL)"
        stmt = insert(_TABLE).values(bucket=bucket, key_hash=key_hash, window_start=window_start, hits=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["bucket", "key_hash", "window_start"], set_={"hits": _TABLE.c.hits + 1}
        ).returning(_TABLE.c.hits)
        return int(self.session.execute(stmt).scalar_one())

    def hits(self, bucket: str, key_hash: str, window_start: datetime) -> int:
        row = self.session.execute(
            select(_TABLE.c.hits).where(
                _TABLE.c.bucket == bucket, _TABLE.c.key_hash == key_hash, _TABLE.c.window_start == window_start
            )
        ).scalar_one_or_none()
        return int(row or 0)

    def hits_in(self, bucket: str, key_hash: str, current: datetime, previous: datetime) -> tuple[int, int]:
        """This window's and the previous window's hits, in one query."""
        rows = dict(
            self.session.execute(
                select(_TABLE.c.window_start, _TABLE.c.hits).where(
                    _TABLE.c.bucket == bucket,
                    _TABLE.c.key_hash == key_hash,
                    _TABLE.c.window_start.in_([current, previous]),
                )
            ).all()
        )
        return int(rows.get(current, 0)), int(rows.get(previous, 0))

    def probe_write(self, at: datetime) -> None:
        """A tiny write (the caller rolls it back): proves the database accepts writes, not only reads."""
        self.session.execute(
            _TABLE.insert().values(bucket="healthz", key_hash="write-probe", window_start=at, hits=0)
        )
        self.session.flush()

    def purge(self, bucket: str, before: datetime) -> None:
        """Windows that can no longer count are dropped, so the table stays as small as the traffic."""
        self.session.execute(delete(_TABLE).where(_TABLE.c.bucket == bucket, _TABLE.c.window_start < before))
