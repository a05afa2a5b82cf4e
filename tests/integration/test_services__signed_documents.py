"""The signed final documents through the services on SQLite and PostgreSQL: listed newest first without
reading their bytes, the newest one by default, and through a unit's link only once its draft is issued and
only its own draft's."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from kernel.errors import NotFound
from storage.uow import UnitOfWork
from tests.e2e.test_web__signed_document import NUMBER, PDF, _approved, _docx
from tests.support.scenario import STAFF
from tests.support.web import WebWorld, build_world
from workflow.services.issuance import SignedFile, issue, signed_document, signed_views, store_signed_document
from workflow.services.link_replies import LinkVisit, link_page, link_signed_document
from workflow.services.ratelimit import RateRule

RULE = RateRule("reply_link", 1000, "")


@pytest.fixture
def world(engine: Engine, db_url: str, tmp_path: Path) -> WebWorld:
    return build_world(engine, db_url, tmp_path)


def _visit(token: str) -> LinkVisit:
    return LinkVisit(token=token, client="10.0.0.9", rule=RULE)


def test_listed_newest_first_without_their_bytes_and_the_newest_by_default(world: WebWorld) -> None:
    _approved(world)
    rid = world.round_id
    with UnitOfWork(world.engine) as uow:
        with pytest.raises(NotFound) as none_yet:
            signed_document(uow, rid)
        assert none_yet.value.code == "SIGNED_DOCUMENT_NOT_FOUND"
        with pytest.raises(NotFound) as no_round:
            signed_document(uow, 999999)
        assert no_round.value.code == "ROUND_NOT_FOUND"
    with UnitOfWork(world.engine) as uow:
        issue(uow, world.clock, STAFF, rid, NUMBER, signed=SignedFile("盖章件.pdf", PDF))
    with UnitOfWork(world.engine) as uow:
        later = store_signed_document(uow, world.clock, STAFF, rid, SignedFile("正式文件.docx", _docx()))
    with UnitOfWork(world.engine) as uow:
        rows = uow.process.signed_documents(rid)
        assert all("data" not in inspect(row).dict for row in rows), "the bytes stay in the database"
        assert rows[-1].data == PDF, "and are read when used"
        views = signed_views(uow, rid)
        newest = signed_document(uow, rid)
    assert [v["filename"] for v in views] == ["正式文件.docx", "盖章件.pdf"]
    assert all("data" not in v for v in views) and views[0]["uploaded_at"].endswith("+08:00")
    assert newest.id == later.id and views[0]["doc_number"] == NUMBER


def test_a_link_shows_the_signed_documents_of_its_own_issued_draft_only(world: WebWorld) -> None:
    token = world.token("测试单位001")
    _approved(world)
    with UnitOfWork(world.engine) as uow:
        page = link_page(uow, world.clock, _visit(token))
    assert (page.issued_doc_number, page.issued_at, page.signed) == (None, None, [])
    with UnitOfWork(world.engine) as uow:
        issue(uow, world.clock, STAFF, world.round_id, NUMBER, signed=SignedFile("盖章件.pdf", PDF))
    with UnitOfWork(world.engine) as uow:
        page = link_page(uow, world.clock, _visit(token))
        [shown] = page.signed
        assert link_signed_document(uow, world.clock, _visit(token), shown.id or 0).data == PDF
        with pytest.raises(NotFound) as other:
            link_signed_document(uow, world.clock, _visit(token), (shown.id or 0) + 1)
        assert other.value.code == "SIGNED_DOCUMENT_NOT_FOUND"
    assert page.issued_doc_number == NUMBER and page.issued_at == world.clock.now()
