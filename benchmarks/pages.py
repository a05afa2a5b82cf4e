"""Pages and documents people wait for, against the budget a person notices (200 ms a page, 2 s a
document): the dashboard over many rounds, a round page and the reviewer's page of a round with 500
recipients, its adoption table as DOCX with 2,000 comments, the reply forms of its units as a ZIP, and the
reviewer's queue over the 1,000 of those rounds sent for legality review.

The web app runs in-process (FastAPI's TestClient, signed in as staff or reviewer): the figures are the
server's work, without the network."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from benchmarks.live import DRAFT, STAFF, database, office_with_units, write_config
from benchmarks.sweep_fixture import add_reviews, load_overdue
from entrypoints.web.app import create_app
from kernel.actors import Actor, Role
from kernel.clock import FixedClock
from storage.db import create_schema, make_engine
from storage.uow import UnitOfWork
from workflow.comment_input import CommentInput
from workflow.config import load_settings
from workflow.services.accounts import add_user
from workflow.services.drafts import import_draft
from workflow.services.replies import SubmitReply, submit_reply
from workflow.services.rounds import StartRound, start_round

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PASSWORD = "benchmark-password-1"
OFFICE = "基准测试办公室"  # the office of the bulk-loaded rounds (benchmarks/sweep_fixture.py)
PAGE_BUDGET = 0.2
DOCUMENT_BUDGET = 2.0
REVIEWED_EVERY = 10
"""One bulk-loaded round in ten was sent for legality review (1,000 of 10,000), a third of them waiting."""
LAST_PAGE = 10**6
"""The reviewer's queue clamps a page past the end to its last page: the deepest offset."""


def _big_round(engine: Any, clock: FixedClock, units: int, comments_per_reply: int) -> int:
    """A round asking ``units`` units (besides the bulk-loaded ones), each replying with comments."""
    office_with_units(engine, clock, units, OFFICE)
    with UnitOfWork(engine) as uow:
        draft = import_draft(
            uow, clock, STAFF, DRAFT, title="大轮次文稿", issuer="孝义市人民政府", filename="d.txt", office_id=1
        )
    with UnitOfWork(engine) as uow:
        round_id = start_round(
            uow,
            clock,
            STAFF,
            StartRound(
                draft_id=draft.draft_id,
                office_id=1,
                doc_number="测函〔2026〕99999号",
                deadline=clock.now() + timedelta(days=3),
                contact="赵健",
                phone="18335877837",
                all_units=True,
            ),
            secret="benchmark",
        ).round_id
    clock.advance(timedelta(hours=1))
    with UnitOfWork(engine) as uow:
        pairs = [(u.id or 0, u.name) for _r, u in uow.rounds.recipients(round_id)]
    for unit_id, name in pairs[:units]:
        comments = [
            CommentInput(
                target=f"序号{1 + k % 8}",
                text=f"{name}：第{k + 1}条意见，建议补充具体措施。",
                basis="",
                reason="便于落实",
            )
            for k in range(comments_per_reply)
        ]
        with UnitOfWork(engine) as uow:
            submit_reply(uow, clock, Actor(name, Role.unit), SubmitReply(round_id, unit_id=unit_id, comments=comments))
    return round_id


def _timed(client: TestClient, path: str, repeat: int = 3) -> tuple[float, int]:
    """Median latency of ``repeat`` requests after one warm-up; and the size of the answer."""
    first = client.get(path)
    assert first.status_code == 200, (path, first.status_code, first.text[:300])
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200
    return statistics.median(times), len(first.content)


def bench_pages(workdir: Path, rounds: int, units: int, comments_per_reply: int) -> dict[str, Any]:
    with database("sqlite", workdir, "pages") as url:
        engine = make_engine(url)
        create_schema(engine)
        load_overdue(engine, rounds, 5, T0 + timedelta(days=30))  # open rounds, five recipients each
        reviews = add_reviews(engine, REVIEWED_EVERY, T0 + timedelta(days=31))  # one round in ten reviewed
        clock = FixedClock(T0)
        round_id = _big_round(engine, clock, units, comments_per_reply)
        for username, role in (("staff1", "staff"), ("review1", "reviewer")):
            with UnitOfWork(engine) as uow:
                add_user(uow, clock, STAFF, username=username, display_name=username, role=role, password=PASSWORD,
                         office_id=1)
        settings = load_settings(write_config(workdir, url, office=OFFICE))
        app = create_app(settings, engine=engine, clock=clock)
        figures: dict[str, Any] = {"rounds": rounds + 1, "units": units, "comments": units * comments_per_reply}
        figures["reviewed"], figures["reviews_pending"] = reviews["reviewed"], reviews["pending"]
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as staff:
            assert staff.post("/api/v1/session", json={"username": "staff1", "password": PASSWORD}).status_code == 200
            figures["dashboard"] = _timed(staff, "/")
            figures["round_page"] = _timed(staff, f"/rounds/{round_id}")
            figures["adoption_docx"] = _timed(staff, f"/api/v1/rounds/{round_id}/documents/adoption?format=docx", 1)
            figures["reply_forms_zip"] = _timed(staff, f"/api/v1/rounds/{round_id}/documents/reply-form?format=docx", 1)
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as reviewer:
            assert (
                reviewer.post("/api/v1/session", json={"username": "review1", "password": PASSWORD}).status_code == 200
            )
            figures["review_page"] = _timed(reviewer, f"/review/rounds/{round_id}")
            figures["review_queue"] = _timed(reviewer, "/review")  # what waits (the default)
            figures["review_queue_all"] = _timed(reviewer, f"/review?show=all&p={LAST_PAGE}")  # the oldest rows
        with UnitOfWork(engine) as uow:
            figures["events"] = (uow.audit.head() or (0,))[0]
        engine.dispose()
    return figures
