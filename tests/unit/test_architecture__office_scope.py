"""Every table is either scoped to the offices a unit of work may see (storage/scope.py) or listed here
with the reason it needs no scope: a new table of office data cannot be forgotten."""

from __future__ import annotations

from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.scope import _criteria

NOT_SCOPED = {
    "auditevent": "the chain is verified whole; its readers filter by office explicitly (storage.audit.iter_events)",
    "audithead": "the chain's tip, one row for the server",
    "deliveryattempt": "read only through a message of a scoped round (delivery_view)",
    "websession": "looked up by the hash of the caller's own cookie",
    "rate_limit_counter": "per client address, for the whole server",
    "task": "read only through a scoped draft version",
    "taskitem": "read only through a scoped draft version's tasks",
}


def test_every_table_is_scoped_or_says_why_not() -> None:
    scoped = {table.name for table in _criteria((1,))}
    tables = set(SQLModel.metadata.tables)
    assert not scoped & set(NOT_SCOPED), "a table is both scoped and excused"
    assert tables - scoped - set(NOT_SCOPED) == set(), "a table of office data without a scope"
    assert set(NOT_SCOPED) <= tables, "an excused table no longer exists"
