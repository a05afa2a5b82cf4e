"""Rate-limit counters: one upsert per request, so limits hold across server processes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.models import RateLimitCounter

_TABLE = RateLimitCounter.__table__  # type: ignore[attr-defined]


class RateLimitRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def hit(self, bucket: str, key_hash: str, window_start: datetime) -> int:
        """Count one hit in this window and return the window's total, atomically."""
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
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

    def probe_write(self, at: datetime) -> None:
        """A tiny write (the caller rolls it back): proves the database accepts writes, not only reads."""
        self.session.execute(
            _TABLE.insert().values(bucket="healthz", key_hash="write-probe", window_start=at, hits=0)
        )
        self.session.flush()

    def purge(self, bucket: str, before: datetime) -> None:
        """Windows that can no longer count are dropped, so the table stays as small as the traffic."""
        self.session.execute(delete(_TABLE).where(_TABLE.c.bucket == bucket, _TABLE.c.window_start < before))
