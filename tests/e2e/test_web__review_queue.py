"""The reviewer's queue page: what waits first (everything when nothing does), filter links with their counts,
a page at a time with a pager whose links, followed, show every row once, newest first; the API pages and
filters the same rows, with bounded parameters and the total in ``X-Total-Count``."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from storage import models as m
from storage.uow import UnitOfWork
from tests.support.review_rows import closed_round
from tests.support.web import T0, WebWorld, build_world, login
from workflow.services import queries

PAGE = 3


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _reviewed_rounds(world: WebWorld, states: list[str]) -> list[int]:
    """Rounds of the world's office sent for review, one per state (its latest review's), as plain rows."""
    ids = []
    with UnitOfWork(world.engine) as uow:
        office = uow.rounds.get(world.round_id).office_id  # type: ignore[union-attr]
        for n, state in enumerate(states, start=1):
            rid = closed_round(uow.session, office, f"送审文稿{n}", f"送审函〔2026〕{n}号")
            draft_id = uow.rounds.get(rid).draft_id  # type: ignore[union-attr]
            if state == "pending" and n % 2:  # returned once before: the latest review is what counts
                uow.session.add(
                    m.LegalityReview(
                        round_id=rid, draft_id=draft_id, version=1, state="returned", requested_at=T0
                    )
                )
            uow.session.add(
                m.LegalityReview(
                    round_id=rid,
                    draft_id=draft_id,
                    version=1,
                    state=state,
                    requested_at=T0 + timedelta(days=n),
                    due_at=T0 + timedelta(days=n + 15),
                )
            )
            ids.append(rid)
        uow.commit()
    return ids


def _rows(page: str) -> list[int]:
    table = page.split('data-testid="review-queue"', 1)[1].split("</table>", 1)[0]
    return [int(i) for i in re.findall(r'href="/review/rounds/(\d+)"', table)]


def _link(page: str, anchor: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" id="{anchor}"', page)
    return html.unescape(found.group(1)) if found else None


def _walk(client: TestClient, url: str) -> list[int]:
    """Every row, following the pager's 下一页 from ``url`` to the last page."""
    seen: list[int] = []
    next_url: str | None = url
    while next_url is not None:
        page = client.get(next_url if next_url.startswith("/") else "/review" + next_url)
        assert page.status_code == 200
        seen += _rows(page.text)
        next_url = _link(page.text, "review-next")
    return seen


def test_the_queue_pages_and_filters(world: WebWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "REVIEW_PAGE_SIZE", PAGE)
    states = ["pending", "approved", "pending", "returned", "pending", "pending", "approved", "pending"]
    ids = _reviewed_rounds(world, states)
    pending = sorted((i for i, s in zip(ids, states, strict=True) if s == "pending"), reverse=True)
    everything = sorted(ids, reverse=True)
    reviewer = world.client()
    login(reviewer, "sfj")
    first = reviewer.get("/review").text
    assert "待审查（5）" in first and "全部（8）" in first
    assert 'id="show-pending" class="current"' in first, "what waits comes first"
    assert _rows(first) == pending[:PAGE] and "第1 / 2页" in first
    assert _link(first, "review-prev") is None and _link(first, "review-next") == "?show=pending&p=2"
    assert _walk(reviewer, "/review") == pending, "each waiting round once, newest first"
    assert _walk(reviewer, "/review?show=all") == everything, "each reviewed round once, newest first"
    last = reviewer.get("/review?show=all&p=99").text
    assert _rows(last) == everything[2 * PAGE :] and "第3 / 3页" in last, "a page past the end shows the last"
    assert _link(last, "review-first") == "?show=all&p=1" and _link(last, "review-next") is None
    assert _rows(reviewer.get("/review?show=all&p=-1").text) == everything[:PAGE]
    assert "期限：" in first and "审查通过" in reviewer.get("/review?show=all").text
    assert reviewer.get("/review?p=x").status_code == 422


def test_with_nothing_waiting_the_queue_shows_every_reviewed_round(world: WebWorld) -> None:
    ids = _reviewed_rounds(world, ["approved", "returned"])
    reviewer = world.client()
    login(reviewer, "sfj")
    page = reviewer.get("/review").text
    assert "待审查（0）" in page and 'id="show-all" class="current"' in page
    assert _rows(page) == sorted(ids, reverse=True) and 'data-testid="review-pager"' not in page
    assert "暂无待审查文稿。" in reviewer.get("/review?show=pending").text


def test_the_api_pages_and_filters_the_same_rows(world: WebWorld) -> None:
    states = ["pending", "approved", "pending", "returned", "pending"]
    ids = _reviewed_rounds(world, states)
    reviewer = world.client()
    login(reviewer, "sfj")
    whole = reviewer.get("/api/v1/reviews")
    assert [r["round_id"] for r in whole.json()] == sorted(ids, reverse=True), "no parameters: every round"
    assert whole.headers["x-total-count"] == "5"
    waiting = reviewer.get("/api/v1/reviews", params={"pending": "true"})
    assert [r["review_state"] for r in waiting.json()] == ["pending"] * 3 and waiting.headers["x-total-count"] == "3"
    paged = [
        r["round_id"]
        for offset in range(0, 5, 2)
        for r in reviewer.get("/api/v1/reviews", params={"offset": offset, "limit": 2}).json()
    ]
    assert paged == [r["round_id"] for r in whole.json()]
    page = reviewer.get("/api/v1/reviews", params={"offset": 4, "limit": 2})
    assert len(page.json()) == 1 and page.headers["x-total-count"] == "5", "the total ignores the page"
    for bad in ({"limit": 0}, {"limit": 1001}, {"offset": -1}, {"offset": 2**31}, {"pending": "maybe"}):
        assert reviewer.get("/api/v1/reviews", params=bad).status_code == 422, bad
