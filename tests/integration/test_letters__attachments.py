"""The letter's attachments are real and travel with it: the solicitation e-mail, relayed to a real SMTP
server, carries the letter, 附件1 the draft, 附件2 the task table and 附件3 the unit's own reply form as Word
files with their names and MIME type; they are rendered at send time from the outbox row's ids (the row
itself stays small); the round's archive ZIP holds them too."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import Engine

from kernel.clock import FixedClock
from notifications.channels.smtp import SmtpChannel, SmtpSettings
from notifications.relay import Relay, RelayPolicy
from storage.uow import UnitOfWork, uow_factory
from tests.support.cli import write_config
from tests.support.scenario import DRAFT_TEXT, STAFF, new_round, setup_office
from tests.support.smtp_server import SmtpServer
from workflow.config import load_settings
from workflow.notices import build_composer
from workflow.services.archive import build_archive

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _texts(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    parts += [p.text for s in document.sections for p in s.first_page_header.paragraphs]
    return "\n".join(parts)


@pytest.fixture
def sent(engine: Engine, db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=2)
    settings = load_settings(write_config(tmp_path / "config.toml", db_url))
    rid = new_round(engine, clock, office, T0 + timedelta(days=3), 1)
    server = SmtpServer()
    server.start()
    try:
        channel = SmtpChannel(SmtpSettings("127.0.0.1", server.port, "office@example.cn", timeout=3))
        relay = Relay(uow_factory(engine), clock, {"email": channel}, build_composer(settings, clock), RelayPolicy())
        assert relay.run_once().sent == 2
        yield engine, clock, rid, [r.message for r in server.received]
    finally:
        server.stop()


def test_the_invitation_carries_the_letter_and_its_three_attachments(sent) -> None:  # type: ignore[no-untyped-def]
    engine, _clock, rid, messages = sent
    message: EmailMessage = next(m for m in messages if m["To"].startswith("unit1@"))
    parts = {p.get_filename(): p for p in message.iter_attachments()}
    form_name = "附件3-《测试文稿1（代拟稿）》征求意见回复表（测试单位001）.docx"
    assert list(parts) == [
        "截止时间.ics",
        "孝安办函〔2026〕1号.docx",
        "附件1-测试文稿1（代拟稿）.docx",
        "附件2-测试文稿1（重点任务分工）.docx",
        form_name,
    ], "the letter, then its attachments in the letter's order"
    assert parts["截止时间.ics"].get_content_type() == "text/calendar"
    docx = {name: part.get_content() for name, part in parts.items() if name.endswith(".docx")}
    assert all(parts[name].get_content_type() == DOCX for name in docx)

    letter = _texts(docx["孝安办函〔2026〕1号.docx"])
    assert "（附件1）" in letter and "（附件2）" in letter
    assert "附件：1. 测试文稿1（代拟稿）" in letter and "3. 《测试文稿1（代拟稿）》征求意见回复表" in letter
    draft = _texts(docx["附件1-测试文稿1（代拟稿）.docx"])
    first_body = next(line for line in DRAFT_TEXT.splitlines() if line.startswith("2023 年,是全面贯彻"))
    assert draft.startswith("附件1\n") and first_body in draft, "附件1 is the draft itself, as imported"
    assert "1.加强理论学习。" in draft and "29.强化督查通报。" in draft, "every task of the body"
    table = Document(io.BytesIO(docx["附件2-测试文稿1（重点任务分工）.docx"])).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "任务", "主要内容", "责任单位"]
    assert {row.cells[0].text for row in table.rows[1:]} == {str(n) for n in range(1, 30)}, "all 29 tasks"
    form = _texts(docx[form_name])
    assert form.startswith("附件3\n") and "单位名称（盖章）：测试单位001" in form

    body = message.get_body(("plain",)).get_content()
    assert "随函附件" in body and "2. 测试文稿1（重点任务分工）" in body
    with UnitOfWork(engine) as uow:
        rows = uow.outbox.for_round(rid)
    assert all(len(r.context or "") < 500 for r in rows), "the outbox row holds ids, not files"


def test_every_unit_gets_its_own_reply_form(sent) -> None:  # type: ignore[no-untyped-def]
    _engine, _clock, _rid, messages = sent
    forms = sorted(
        name for m in messages for p in m.iter_attachments() if (name := p.get_filename() or "").startswith("附件3-")
    )
    assert forms == [
        "附件3-《测试文稿1（代拟稿）》征求意见回复表（测试单位001）.docx",
        "附件3-《测试文稿1（代拟稿）》征求意见回复表（测试单位002）.docx",
    ]


def test_the_archive_zip_holds_the_attachments(sent) -> None:  # type: ignore[no-untyped-def]
    engine, clock, rid, _messages = sent
    with UnitOfWork(engine) as uow:
        built = build_archive(uow, clock, STAFF, rid, pdf=False)
    with zipfile.ZipFile(io.BytesIO(built.data)) as archive:
        names = set(archive.namelist())
        folder = "documents/01-征求意见函附件/"
        assert {
            f"{folder}附件1-测试文稿1（代拟稿）.docx",
            f"{folder}附件2-测试文稿1（重点任务分工）.docx",
            f"{folder}附件3-《测试文稿1（代拟稿）》征求意见回复表.docx",
        } <= names
        assert "1.加强理论学习。" in _texts(archive.read(f"{folder}附件1-测试文稿1（代拟稿）.docx"))
    listed = {f["path"] for f in built.manifest["files"]}
    assert f"{folder}附件1-测试文稿1（代拟稿）.docx" in listed, "listed in the manifest with its SHA-256"
    assert "illustrative_times" not in built.manifest, "a real round's times are recorded, not illustrative"
