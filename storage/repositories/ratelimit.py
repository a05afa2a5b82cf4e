"""Rate-limit counters: one upsert per request, so limits hold across server processes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, delete, or_, select
from sqlmodel import Session

from storage import models as m
from storage.bulk import upsert_insert


@cache
def _table() -> Any:
    """The counters' table, looked up on first use: importing this module creates no table class (storage.models)."""
    return m.RateLimitCounter.__table__  # type: ignore[attr-defined]


# Built once (per dialect, per number of windows): building and keying them cost more than running them.
_UPSERTS: dict[str, Any] = {}
_HITS_OF: dict[int, Any] = {}


def _naive(at: datetime) -> datetime:
    """A window start as a dictionary key, whatever time zone the driver hands it back in."""
    return at.replace(tzinfo=None) if at.tzinfo is None else at.astimezone(UTC).replace(tzinfo=None)


class RateLimitRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def hit(self, bucket: str, key_hash: str, window_start: datetime) -> int:
        """Count one hit in this window and return the window's total, atomically."""
        params = {"bucket": bucket, "key_hash": key_hash, "window_start": window_start}
        return int(self.session.execute(self._upsert(), params).scalar_one())

    def _upsert(self) -> Any:
        """The counting upsert of this database, built once per dialect (every link use and login runs it)."""
        table = _table()
        name = self.session.get_bind().dialect.name
        stmt = _UPSERTS.get(name)
        if stmt is None:
            insert = upsert_insert(self.session)
            assert insert is not None, "rate limits need INSERT … ON CONFLICT (SQLite or PostgreSQL)"
            stmt = (
                insert(table)
                .values(
                    bucket=bindparam("bucket"),
                    key_hash=bindparam("key_hash"),
                    window_start=bindparam("window_start"),
                    hits=1,
                )
                .on_conflict_do_update(
                    index_elements=["bucket", "key_hash", "window_start"], set_={"hits": table.c.hits + 1}
                )
                .returning(table.c.hits)
            )
            _UPSERTS[name] = stmt
        return stmt

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

    def hits_of(self, windows: Sequence[tuple[str, str, datetime]]) -> list[int]:
        """The hits of several (bucket, key hash, window start), in one query; 0 where none were counted."""
        table = _table()
        if not windows:
            return []
        stmt = _HITS_OF.get(len(windows))
        if stmt is None:
            stmt = _HITS_OF[len(windows)] = select(
                table.c.bucket, table.c.key_hash, table.c.window_start, table.c.hits
            ).where(
                or_(
                    *(
                        and_(
                            table.c.bucket == bindparam(f"b{n}"),
                            table.c.key_hash == bindparam(f"k{n}"),
                            table.c.window_start == bindparam(f"w{n}", type_=table.c.window_start.type),
                        )
                        for n in range(len(windows))
                    )
                )
            )
        params: dict[str, Any] = {}
        for n, (b, k, w) in enumerate(windows):
            params |= {f"b{n}": b, f"k{n}": k, f"w{n}": w}
        rows = self.session.execute(stmt, params).all()
        found = {(b, k, _naive(w)): int(h) for b, k, w, h in rows}
        return [found.get((b, k, _naive(w)), 0) for b, k, w in windows]

    def probe_write(self, at: datetime) -> None:
        """A tiny write (the caller rolls it back): proves the database accepts writes, not only reads."""
        table = _table()
        self.session.execute(table.insert().values(bucket="healthz", key_hash="write-probe", window_start=at, hits=0))
        self.session.flush()

    def purge(self, bucket: str, before: datetime) -> None:
        """Windows that can no longer count are dropped, so the table stays as small as the traffic."""
        table = _table()
        self.session.execute(delete(table).where(table.c.bucket == bucket, table.c.window_start < before))
