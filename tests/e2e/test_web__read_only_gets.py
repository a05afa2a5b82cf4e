"""Every GET route answers under the read-only default (SQLite and PostgreSQL), and on SQLite a page is served
while another connection holds the write lock: the reason GETs read in a read-only unit of work.

A GET that wrote in a read-only unit of work would now fail loudly (``ReadOnlyViolation``, a 500) instead of
stalling on SQLite's lock upgrade; the walk below visits every GET route on a database with something behind
each one and checks that none does, and that no unlisted GET even begins a writing transaction.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select
from structlog.testing import capture_logs

from entrypoints.web import app as web_app
from storage.readonly import READ_ONLY_KEY, ReadOnlyViolation
from storage.uow import UnitOfWork
from tests.support.populated import MONTH, Populated, populated_world
from tests.support.routes import WRITING_GETS, get_routes
from tests.support.web import login


@pytest.fixture
def populated(engine: Engine, db_url: str, tmp_path: Path) -> Populated:
    return populated_world(engine, db_url, tmp_path)


def _urls(p: Populated) -> dict[str, list[str]]:
    """Each GET route's path → the addresses the walk visits (each with something behind it)."""
    rounds = (p.issued_round, p.open_round, p.public_round)
    documents = [
        *(f"{kind}.html" for kind in ("letter", "draft", "task-table", "adoption", "explanation", "review-package")),
        "reply-form.docx", "letter-package.docx", "audit.csv", "audit.json", "adoption.json", "letter.docx",
    ]
    per_round = {
        "/rounds/{round_id}": ["", "?tab=audit", "?tab=all"],
        "/rounds/{round_id}/decisions": ["/decisions", "/decisions?undecided=1"],
        "/rounds/{round_id}/documents/{kind}.{fmt}": [f"/documents/{d}" for d in documents],
        "/rounds/{round_id}/links": ["/links"],
        "/rounds/{round_id}/comments.xlsx": ["/comments.xlsx"],
        "/rounds/{round_id}/chase": ["/chase"],
        "/review/rounds/{round_id}": ["", "?full=1"],
        "/api/v1/rounds/{round_id}": [""],
        "/api/v1/rounds/{round_id}/adoption": ["/adoption"],
        "/api/v1/rounds/{round_id}/documents/{kind}": [
            "/documents/letter", "/documents/adoption?format=json", "/documents/audit?format=csv"
        ],
        "/api/v1/rounds/{round_id}/audit": ["/audit"],
        "/api/v1/rounds/{round_id}/process": ["/process"],
    }
    public = {  # a round the public was consulted on
        "/rounds/{round_id}/public": ["/public"],
        "/rounds/{round_id}/public/comments.{fmt}": ["/public/comments.csv", "/public/comments.xlsx"],
        "/api/v1/rounds/{round_id}/public/comments": ["/public/comments"],
        "/api/v1/rounds/{round_id}/public/groups": ["/public/groups"],
        "/api/v1/rounds/{round_id}/public/export": ["/public/export", "/public/export?format=xlsx"],
    }
    urls = {
        path: [path.split("{round_id}")[0] + str(r) + tail for r in rounds for tail in tails]
        for path, tails in per_round.items()
    } | {path: [path.split("{round_id}")[0] + str(p.public_round) + t for t in tails] for path, tails in public.items()}
    token, issued, doc = p.token, p.issued_token, p.signed_id
    return urls | {
        "/healthz": ["/healthz"],
        "/login": ["/login"],
        "/admin/users": ["/admin/users"],
        "/account/password": ["/account/password"],
        "/": ["/", "/?q=测试", "/?state=issued"],
        "/rounds/new": ["/rounds/new", f"/rounds/new?draft={p.draft_id}"],
        "/documents/document.css": ["/documents/document.css"],
        "/drafts/{draft_id}/diff": [f"/drafts/{p.draft_id}/diff"],
        "/attachments/{attachment_id}": [f"/attachments/{p.attachment_id}"],
        "/rounds/{round_id}/signed/{document_id}": [f"/rounds/{p.issued_round}/signed/{doc}"],
        "/rounds/{round_id}/links/{recipient_id}/qr.svg": [f"/rounds/{p.open_round}/links/{p.recipient_id}/qr.svg"],
        "/units": ["/units"],
        "/units/export.{fmt}": ["/units/export.csv", "/units/export.xlsx"],
        "/review": ["/review", "/review?show=all&p=2", "/review?show=pending"],
        "/r/{token}": [f"/r/{token}", f"/r/{issued}"],
        "/r/{token}/signed/{document_id}": [f"/r/{issued}/signed/{doc}"],
        "/r/{token}/{kind}.docx": [f"/r/{token}/{kind}.docx" for kind in ("letter", "reply-form", "draft")],
        "/tasks": ["/tasks", "/tasks?overdue=1"],
        "/progress/rounds/{round_id}/links": [f"/progress/rounds/{p.progress_round}/links"],
        "/tasks/documents/{kind}.{fmt}": [
            "/tasks/documents/measures.docx", "/tasks/documents/measures.xlsx",
            f"/tasks/documents/progress-summary.html?month={MONTH}",
        ],
        "/tasks/evidence/{evidence_id}": [f"/tasks/evidence/{p.evidence_id}"],
        "/p/{token}": [f"/p/{p.progress_token}"],
        "/public": ["/public", "/public?all=1"],
        "/public/receipt": ["/public/receipt", f"/public/receipt?no={p.receipt}"],
        "/public/{consultation_id}": [f"/public/{p.consultation}"],
        "/public/{consultation_id}/feedback": [f"/public/{p.consultation}/feedback"],
        "/api/v1/dashboard": ["/api/v1/dashboard"],
        "/api/v1/rounds": ["/api/v1/rounds"],
        "/api/v1/rounds/{round_id}/signed/{document_id}": [f"/api/v1/rounds/{p.issued_round}/signed/{doc}"],
        "/api/v1/drafts/{draft_id}/diff": [f"/api/v1/drafts/{p.draft_id}/diff?from=1&to=1"],
        "/api/v1/workdays": ["/api/v1/workdays?add=5"],
        "/api/v1/links/{token}": [f"/api/v1/links/{token}", f"/api/v1/links/{issued}"],
        "/api/v1/links/{token}/signed/{document_id}": [f"/api/v1/links/{issued}/signed/{doc}"],
        "/api/v1/reviews": ["/api/v1/reviews", "/api/v1/reviews?pending=true&offset=1&limit=10"],
        "/api/v1/attachments/{attachment_id}": [f"/api/v1/attachments/{p.attachment_id}"],
        "/api/v1/audit/verify": ["/api/v1/audit/verify", "/api/v1/audit/verify?state=true"],
        "/api/v1/audit/checkpoint": ["/api/v1/audit/checkpoint"],
        "/api/v1/units": ["/api/v1/units", "/api/v1/units?include_inactive=true"],
        "/api/v1/units/export": ["/api/v1/units/export", "/api/v1/units/export?format=csv"],
        "/api/v1/office": ["/api/v1/office"],
        "/api/v1/tasks": ["/api/v1/tasks", "/api/v1/tasks?overdue=true"],
        "/api/v1/tasks/documents/{kind}": [
            "/api/v1/tasks/documents/measures", f"/api/v1/tasks/documents/progress-summary?month={MONTH}&format=json"
        ],
        "/api/v1/progress/rounds/{month}/summary": [f"/api/v1/progress/rounds/{MONTH}/summary"],
        "/api/v1/progress/rounds/{round_id}/links": [f"/api/v1/progress/rounds/{p.progress_round}/links"],
        "/api/v1/doc-types": ["/api/v1/doc-types"],
        "/api/v1/public/consultations": ["/api/v1/public/consultations"],
        "/api/v1/public/consultations/{consultation_id}": [f"/api/v1/public/consultations/{p.consultation}"],
        "/api/v1/public/receipts/{receipt}": [f"/api/v1/public/receipts/{p.receipt}"],
        "/api/v1/public/consultations/{consultation_id}/feedback": [
            f"/api/v1/public/consultations/{p.consultation}/feedback"
        ],
        "/api/v1/users": ["/api/v1/users"],
    }


# Answers other than 2xx/3xx that the walk expects, and why (the route still ran its reads).
REFUSED = {
    "/api/v1/audit/checkpoint": 404,  # AUDIT_KEY_MISSING: the test config names no signing key
    "/healthz": 503,  # degraded: no relay runs in tests, so the round's notices wait (the database is ok)
}


def _said(response: Any) -> str:
    """What a refused answer says, in a line: its error code (page or JSON), or the start of its body."""
    found = re.search(r'错误代码：([A-Z_]+)|"code":"([A-Z_]+)"', response.text)
    return next(g for g in found.groups() if g) if found else response.text[:200]


@pytest.fixture
def transactions(populated: Populated) -> Iterator[list[bool]]:
    """Whether each transaction begun on the engine was read-only, as requests run."""
    begun: list[bool] = []

    def on_begin(conn: Any) -> None:
        begun.append(bool(conn.get_execution_options().get(READ_ONLY_KEY, False)))

    engine = populated.world.engine
    event.listen(engine, "begin", on_begin)
    yield begun
    event.remove(engine, "begin", on_begin)


def _clients(populated: Populated) -> list[TestClient]:
    """Signed in as staff, then as the roles that see what staff may not (an admin, the reviewer)."""
    clients = []
    for username in ("zhaojian", "admin", "sfj"):
        client = populated.world.client()
        login(client, username)
        clients.append(client)
    return clients


def _get(clients: list[TestClient], url: str) -> Any:
    """The first answer that is not "your role may not": the route then ran as its users run it."""
    for client in clients:
        response = client.get(url)
        if response.status_code != 403:
            break
    return response


def test_every_get_route_answers_under_the_read_only_default(populated: Populated, transactions: list[bool]) -> None:
    routes = get_routes(populated.world.app)  # type: ignore[arg-type]
    urls = _urls(populated)
    assert {r.path for r in routes} == set(urls), "each GET route needs addresses in _urls"
    clients = _clients(populated)
    problems: list[str] = []
    for route in routes:
        for url in urls[route.path]:
            transactions.clear()
            try:
                response = _get(clients, url)
            except Exception as exc:  # a server error, raised by the test client: what and where
                problems.append(f"{url}: {exc!r}")
                continue
            if response.status_code >= 400 and response.status_code != REFUSED.get(route.path):
                problems.append(f"{url}: {response.status_code} {_said(response)}")
            if route.path not in WRITING_GETS and not all(transactions):
                problems.append(f"{url}: began a writing transaction, but is not listed in WRITING_GETS")
    assert problems == [], "\n".join(problems)


def test_each_listed_writing_get_does_write(populated: Populated, monkeypatch: pytest.MonkeyPatch) -> None:
    """WRITING_GETS lists no route that only reads: with the writing unit of work taken away (every GET then
    runs read-only, /healthz's own probe too), each listed route is refused a write on the walk's addresses."""
    monkeypatch.setattr(UnitOfWork, "allow_writes", lambda self: None)
    monkeypatch.setattr(web_app, "UnitOfWork", partial(UnitOfWork, read_only=True))
    urls = _urls(populated)
    clients = _clients(populated)
    reads_only = []
    with capture_logs():  # the 500s' tracebacks are expected here: not rendered
        for path in WRITING_GETS:
            refused = []
            for url in urls[path]:
                try:
                    _get(clients, url)
                except ReadOnlyViolation:
                    refused.append(url)
            if not refused:
                reads_only.append(path)
    assert reads_only == [], "listed as writing, but wrote nothing when read-only"


def test_a_page_is_served_while_another_connection_holds_the_write_lock(sqlite_engine: Engine, tmp_path: Path) -> None:
    """A writer holds SQLite's write lock (as during the deadline-hour reply burst): the round page, the API's
    round status and the public list answer at once, where before each waited (up to 30 s) for the lock.
    A link page, which counts its use and so writes, still waits: that the lock is really held."""
    populated = populated_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)
    world = populated.world
    staff = world.client()
    login(staff, "zhaojian")
    link = world.client()
    held, release = threading.Event(), threading.Event()

    def writer() -> None:
        with UnitOfWork(world.engine) as uow:
            uow.session.execute(select(1))  # BEGIN IMMEDIATE: this transaction holds the write lock
            held.set()
            release.wait(60)

    with ThreadPoolExecutor(max_workers=2) as pool:
        holding = pool.submit(writer)
        try:
            assert held.wait(10)
            for url in (f"/rounds/{populated.open_round}", f"/api/v1/rounds/{populated.open_round}", "/public"):
                started = time.monotonic()
                page = pool.submit(staff.get, url).result(timeout=10)
                assert page.status_code == 200, (url, page.text[:300])
                assert time.monotonic() - started < 5, f"{url} waited for the writer"
            counted = pool.submit(link.get, f"/r/{populated.token}")
            time.sleep(0.5)
            assert not counted.done(), "the link page writes, so it waits for the lock: the lock is held"
        finally:
            release.set()
        holding.result(timeout=10)
        assert counted.result(timeout=40).status_code == 200
