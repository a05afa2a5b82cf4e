"""The draft version items a reply validates its targets against are kept in the process once read
(issue 13): a new version is never answered with an older version's items, and another database (an
engine of its own, with the same ids) never with this one's."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from kernel.clock import FixedClock
from storage.db import create_schema, make_engine
from storage.repositories.rounds import VersionRef
from storage.uow import UnitOfWork
from tests.integration.test_services__anchors import T0, _draft, _round
from tests.support.scenario import STAFF, setup_office
from workflow.parsing.draft_markdown import parse_draft_markdown
from workflow.services.draft_items import cached_version_items, version_items
from workflow.services.drafts import import_draft


def _labels(engine: Engine, draft_id: int, version: int, *, cached: bool = True) -> list[tuple[str, str]]:
    with UnitOfWork(engine) as uow:
        row = uow.drafts.version(draft_id, version)
        assert row is not None
        ref = VersionRef(row.id or 0, row.kind, row.created_at)
        items = cached_version_items(uow, ref) if cached else version_items(uow, row)
        return [(i.label, i.heading) for i in items]


def test_a_new_version_gets_its_own_items_not_the_cached_ones(engine: Engine) -> None:
    clock = FixedClock(T0)
    draft_id, _rid = _round(engine, clock)  # a reply on version 1 (cached its items), then version 2
    first, second = _labels(engine, draft_id, 1), _labels(engine, draft_id, 2)
    assert [h for _l, h in first] == ["完善预案", "排查隐患", "储备物资"]
    assert [h for _l, h in second] == ["完善预案", "加强预警", "排查隐患", "储备物资"]
    assert first == _labels(engine, draft_id, 1, cached=False)
    assert second == _labels(engine, draft_id, 2, cached=False)


def test_each_database_has_its_own_cache(tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    found = []
    for name, keys in (("a", ("plan", "check")), ("b", ("stock", "new", "plan"))):
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        create_schema(engine)
        office = setup_office(engine, clock, units=1)
        with UnitOfWork(engine) as uow:
            stored = import_draft(
                uow,
                clock,
                STAFF,
                parse_draft_markdown(_draft(*keys)),
                title="通知",
                issuer="某市",
                filename="v1.md",
                office_id=office,
            )
        found.append(_labels(engine, stored.draft_id, 1))
        engine.dispose()
    assert [h for _l, h in found[0]] == ["完善预案", "排查隐患"]
    assert [h for _l, h in found[1]] == ["储备物资", "加强预警", "完善预案"], "same version id, other database"
