"""Every table is either scoped to the offices a unit of work may see (storage/scope.py) or listed here
with the reason it needs no scope: a new table of office data cannot be forgotten."""

from __future__ import annotations

from sqlmodel import SQLModel

from storage import models
from storage.scope import RULES, _Scope

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
    models.load_all()  # tables are created on first use; the check is over all of them
    scoped = set(RULES)
    tables = set(SQLModel.metadata.tables)
    assert not scoped & set(NOT_SCOPED), "a table is both scoped and excused"
    assert tables - scoped - set(NOT_SCOPED) == set(), "a table of office data without a scope"
    assert set(NOT_SCOPED) <= tables, "an excused table no longer exists"


def test_each_rule_names_its_own_table() -> None:
    """A rule filed under another table's name would leave its own table unscoped (rules are looked up by
    the name of a table a statement touches)."""
    models.load_all()
    scope = _Scope((1,))
    for name, rule in RULES.items():
        entity, _condition = rule(scope)
        assert entity.__table__.name == name, f"the rule filed under {name!r} scopes {entity.__table__.name!r}"
        assert scope.criterion(SQLModel.metadata.tables[name]) is not None
