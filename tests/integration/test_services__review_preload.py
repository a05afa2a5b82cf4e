"""The reviewer's page reads less without showing less, on SQLite and PostgreSQL: the audit trail is paged
and counted in SQL (a page holds exactly the events the whole trail holds there, named as there, from plain
rows that say what the recipient and reply objects say, in the office's scope), the
package's long tables are shown a page at a time with their totals and every row reachable, the review
package built from a preloaded decision queue is the package built without one, and anchors remembered
for a draft's versions are not served once a new version exists."""

from __future__ import annotations

import html
import re
from dataclasses import asdict
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from documents.md_writer import render_markdown
from entrypoints.web import pages_review
from entrypoints.web.app import create_app
from kernel.clock import FixedClock
from storage.uow import UnitOfWork, uow_factory
from tests.support.audit_round import Built, full_round
from tests.support.cli import write_config
from tests.support.scenario import SECRET, STAFF, demo_office_id, setup_office
from tests.support.web import PASSWORD, login
from workflow.config import load_settings
from workflow.parsing.draft_markdown import parse_draft_markdown
from workflow.reports import official
from workflow.services import anchors
from workflow.services.accounts import add_user
from workflow.services.audit import count_events, export_events
from workflow.services.audit_view import audit_lines
from workflow.services.deadlines import sweep
from workflow.services.drafts import import_draft, revise_draft
from workflow.services.queries import round_status
from workflow.services.replies import CommentInput, SubmitReply, submit_reply
from workflow.services.rounds import StartRound, start_round


def test_audit_pages_hold_what_the_whole_trail_holds(engine: Engine, clock: FixedClock) -> None:
    built = full_round(engine, clock)
    office = demo_office_id(engine)
    for offices in (None, [office]):  # unscoped (the administrator) and the office's own scope
        with UnitOfWork(engine, offices=offices) as uow:
            whole = audit_lines(uow, built.round_id)
            assert count_events(uow, built.round_id) == len(whole) == len(export_events(uow, built.round_id))
            assert len(whole) > 12
            queue = uow.replies.decision_queue(built.round_id)
            for offset in range(0, len(whole) + 5, 5):
                page = audit_lines(uow, built.round_id, queue, offset=offset, limit=5)
                assert page == whole[offset : offset + 5], offset


def test_plain_rows_say_what_the_objects_say(engine: Engine, clock: FixedClock) -> None:
    built = full_round(engine, clock)
    rid = built.round_id
    for offices in (None, [demo_office_id(engine)]):
        with UnitOfWork(engine, offices=offices) as uow:
            objects = uow.rounds.recipients(rid)
            rows = uow.rounds.recipient_rows(rid)
            assert [(r.model_dump(), u) for r, u in objects] == [(asdict(r), u) for r, u in rows]
            labels = [(r.id or 0, u.id or 0, u.name) for r, u in objects]
            assert uow.rounds.recipient_labels(rid) == labels and len(labels) == 5
            some, unit = labels[1], labels[3]
            assert uow.rounds.recipient_labels(rid, {some[0]}, {unit[1]}) == [some, unit]
            assert uow.rounds.recipient_labels(rid, set()) == []
            replies = [(r.id or 0, r.revision, u.name) for r, u in uow.replies.for_round(rid)]
            assert uow.replies.reply_labels(rid) == replies and len(replies) >= 4
            assert uow.replies.reply_labels(rid, {replies[0][0], replies[-1][0]}) == [replies[0], replies[-1]]
            assert uow.replies.reply_labels(rid, set()) == []
    with UnitOfWork(engine, offices=[demo_office_id(engine) + 1000]) as uow:  # another office sees none of it
        assert uow.rounds.recipient_rows(rid) == uow.rounds.recipient_labels(rid) == uow.replies.reply_labels(rid) == []


def _signed_in_reviewer(engine: Engine, db_url: str, tmp_path: Path, clock: FixedClock) -> tuple[TestClient, Built]:
    """A whole round and the web app with the justice bureau's reviewer signed in."""
    settings = load_settings(write_config(tmp_path / "config.toml", db_url))
    app = create_app(settings, engine=engine, clock=clock)
    built = full_round(engine, clock)
    with UnitOfWork(engine) as uow:
        add_user(
            uow, clock, STAFF, username="sfj", display_name="司法局审查员", role="reviewer", password=PASSWORD,
            office_id=demo_office_id(engine),
        )
    client = TestClient(app, base_url="http://testserver", follow_redirects=False)
    login(client, "sfj")
    return client, built


def test_the_review_page_shows_the_events_of_its_audit_page(
    engine: Engine, db_url: str, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, built = _signed_in_reviewer(engine, db_url, tmp_path, clock)
    with UnitOfWork(engine) as uow:
        seqs = [line.seq for line in audit_lines(uow, built.round_id)]
    monkeypatch.setattr(pages_review, "AUDIT_PER_PAGE", 5)
    pages = -(-len(seqs) // 5)

    def shown(page: str) -> list[int]:
        table = page[page.rindex("<h2>审计记录（") :]
        return [int(cell.split("<", 1)[0]) for cell in table.split("<tr><td>")[1:]]

    second = client.get(f"/review/rounds/{built.round_id}?ap=2").text
    assert f"审计记录（{len(seqs)}条）" in second and f"第2 / {pages}页" in second
    assert shown(second) == seqs[5:10]
    newest = client.get(f"/review/rounds/{built.round_id}").text
    assert shown(newest) == seqs[(pages - 1) * 5 :] and f"第{pages} / {pages}页" in newest
    beyond = client.get(f"/review/rounds/{built.round_id}?ap={pages + 3}").text
    assert shown(beyond) == shown(newest), "a page past the last shows the last"


class _Rows(HTMLParser):
    """A table body's cells as a reader sees them: each position's text, spans expanded."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[int, int], str] = {}
        self.row, self.col, self.span, self.text = -1, 0, (1, 1), ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.row, self.col = self.row + 1, 0
        elif tag == "td":
            found = dict(attrs)
            self.span, self.text = (int(found.get("rowspan") or 1), int(found.get("colspan") or 1)), ""

    def handle_data(self, data: str) -> None:
        self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag != "td":
            return
        while (self.row, self.col) in self.cells:
            self.col += 1
        for dr in range(self.span[0]):
            for dc in range(self.span[1]):
                self.cells[(self.row + dr, self.col + dc)] = self.text
        self.col += self.span[1]

    def grid(self) -> list[list[str]]:
        width = 1 + max((c for _, c in self.cells), default=-1)
        assert all(r <= self.row for r, _ in self.cells), "no span reaches past the table"
        return [[self.cells.get((r, c), "") for c in range(width)] for r in range(self.row + 1)]


def _package_tables(page: str) -> list[list[list[str]]]:
    """The review package's tables on a page, in order, each as the grid of texts it shows."""
    package = page[page.index("<h2>送审材料</h2>") : page.index("<h2>审计记录（")]
    tables = []
    for chunk in package.split("<tbody>")[1:]:
        parser = _Rows()
        parser.feed(chunk[: chunk.index("</tbody>")])
        tables.append(parser.grid())
    return tables


def test_the_review_page_pages_the_packages_long_tables_and_reaches_every_row(
    engine: Engine, db_url: str, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, built = _signed_in_reviewer(engine, db_url, tmp_path, clock)
    path = f"/review/rounds/{built.round_id}"
    whole = _package_tables(client.get(path).text)  # every table fits on one page: nothing is paged
    assert "package-pager-" not in client.get(path).text
    per_page = 2
    monkeypatch.setattr(pages_review, "PACKAGE_ROWS_PER_PAGE", per_page)
    long_tables = [n for n, rows in enumerate(whole, 1) if len(rows) > per_page]
    assert len(long_tables) >= 3, "the adoption table, the recipients and the decisions at least"
    first = client.get(f"{path}?ap=2").text
    for n in long_tables:
        total, pages = len(whole[n - 1]), -(-len(whole[n - 1]) // per_page)
        assert f"本表共{total}行，此处显示第1–{per_page}行（第1 / {pages}页）" in first, n
        assert first.count(f'data-testid="package-pager-{n}"') == 2, "a pager above and below the table"
        shown: list[list[str]] = []
        page, link = first, ""
        for number in range(1, pages + 1):
            tables = _package_tables(page)
            window = whole[n - 1][(number - 1) * per_page : number * per_page]
            assert len(tables) == len(whole) and tables[n - 1] == window, (n, number)
            assert f"（第{number} / {pages}页）" in page
            shown += tables[n - 1]
            found = re.search(f'href="([^"]+)" data-testid="package-next-{n}"', page)
            if number == pages:
                assert found is None, "the last page has no next page"
                break
            assert found is not None
            link = html.unescape(found.group(1))
            assert "ap=2" in link and link.endswith(f"#package-t{n}"), "the audit page stays where it was"
            page = client.get(path + link.split("#")[0]).text
        assert shown == whole[n - 1], f"table {n}: every row once, in order"
    n = long_tables[0]
    last = -(-len(whole[n - 1]) // per_page)
    for asked, expected in ((f"t{n}=999", last), (f"t{n}=abc", 1), (f"t{n}=0", 1)):
        assert f"（第{expected} / {last}页）" in client.get(f"{path}?{asked}").text, asked


def test_a_preloaded_queue_builds_the_same_documents(engine: Engine, clock: FixedClock) -> None:
    built = full_round(engine, clock)
    with UnitOfWork(engine) as uow:
        queue = uow.replies.decision_queue(built.round_id)
        for kind in ("review-package", "adoption", "explanation"):
            alone = render_markdown(official.build(uow, built.round_id, kind))
            preloaded = render_markdown(official.build(uow, built.round_id, kind, queue=queue))
            assert alone.split("审计检查点")[0] == preloaded.split("审计检查点")[0], kind
        assert "予以采纳" in alone


HEADER = "# 关于做好防汛工作的通知\n\n| 序号 | 任务 | 主要内容 | 责任单位 |\n|---|---|---|---|\n"
ROWS = (
    "| {n} | 完善预案 | (1) 修订防汛应急预案，组织一次综合演练 | 市水利局 |\n",
    "| {n} | 加强预警 | (1) 建立暴雨预警“叫应”机制，直达村组责任人 | 市气象局 |\n",
    "| {n} | 排查隐患 | (1) 对堤防、水库逐一开展隐患排查，建立台账 | 各乡镇（街道） |\n",
)


def _draft(*rows: int) -> str:
    return HEADER + "".join(ROWS[k].format(n=n) for n, k in enumerate(rows, 1))


def test_remembered_anchors_are_not_served_after_a_new_version(engine: Engine, clock: FixedClock) -> None:
    office = setup_office(engine, clock, units=2)
    with UnitOfWork(engine) as uow:
        stored = import_draft(
            uow, clock, STAFF, parse_draft_markdown(_draft(0, 2)), title="防汛通知", issuer="某市",
            filename="v1.md", office_id=office,
        )
    with UnitOfWork(engine) as uow:
        cmd = StartRound(
            stored.draft_id, office, "某防办函〔2026〕1号", clock.now() + timedelta(days=1), "王", "1",
            unit_names=["测试单位001"],
        )
        rid = start_round(uow, clock, STAFF, cmd, secret=SECRET).round_id
    with UnitOfWork(engine) as uow:
        comments = (CommentInput("序号2", "建议排查范围包括山塘。"),)
        submit_reply(uow, clock, STAFF, SubmitReply(rid, unit_name="测试单位001", comments=comments))
    clock.advance(timedelta(days=2))
    sweep(uow_factory(engine), clock)

    def shown() -> str:
        with UnitOfWork(engine) as uow:
            anchor = round_status(uow, rid)["comments"][0]["anchor"]
        return str(anchor["display"])

    with UnitOfWork(engine) as uow:
        first = anchors.round_anchors(uow, rid)
        assert anchors.round_anchors(uow, rid) is first, "the same chain is read once"
    assert shown() == shown() == "序号2"
    with UnitOfWork(engine) as uow:  # 加强预警 inserted before 排查隐患: the old 序号2 is now 序号3
        revise_draft(uow, clock, STAFF, stored.draft_id, parse_draft_markdown(_draft(0, 1, 2)), filename="v2.md")
    assert shown() == "现序号3（原序号2）"
    with UnitOfWork(engine) as uow:
        assert anchors.round_anchors(uow, rid) is not first
