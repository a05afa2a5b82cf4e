"""A composer keeps a round's part of every notice (its letter, office, draft and the office's style) once per
round, under a stamp read with every message (issue 13: a reply's receipt took more CPU to compose than the
reply took to store). The messages are the ones composed each on its own, word for word as before; a change
to the round, its draft or its office shows in the very next message composed, never a kept stale one."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from notifications import compose
from notifications.compose import Composer
from notifications.facts import LetterFacts
from notifications.message import OutgoingMessage
from storage.uow import UnitOfWork
from tests.support.scenario import DEMO_PROFILE, STAFF, new_round, setup_office
from workflow.notices import WorkflowFacts
from workflow.reports import official
from workflow.services.offices import ensure_office
from workflow.services.replies import CommentInput, SubmitReply, submit_reply
from workflow.services.rounds import change_deadline

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
BASE = "https://zqyj.example.cn"
SECRET = "test-secret-key"

SOLICITATION_SUBJECT = (
    "【征求意见】孝义市安全生产委员会办公室关于对《测试文稿1（代拟稿）》征求意见的函（孝安办函〔2026〕1号）"
)
SOLICITATION_TEXT = """测试单位001：

孝义市安全生产委员会办公室起草了《测试文稿1》，现征求你单位意见（孝安办函〔2026〕1号）。

请于2026年3月5日9时前反馈修改意见。修改意见要有依据、理由充分，并安排专人与市安委办对接负责意见修改工作，\
特别是上级部门承担但县市级部门不承担的工作任务，要主动与上级部门对接明确。理由不充分或无依据的不予采纳。

随函附件（Word 文件，附在本邮件中）：
1. 测试文稿1（代拟稿）
2. 测试文稿1（重点任务分工）
3. 《测试文稿1（代拟稿）》征求意见回复表


网上回复：https://zqyj.example.cn/r/TOKEN
（该链接仅供你单位使用，截止后只能查看。）

逾期未回复视为无意见。

联系人：赵健，电话：18335877837

孝义市安全生产委员会办公室
2026年3月2日"""
RECEIPT_TEXT = """测试单位001：

已于2026年3月2日10时收到你单位对《测试文稿1》（孝安办函〔2026〕1号）的回复（第1次，网上回复）。
收到修改意见1条：
1. 【序号1】建议补充具体措施。（理由：便于落实）

截止前可再次修改，以最后一次回复为准。"""
"""As the composer wrote them before it kept anything (same round, same clock)."""


class CountingFacts(WorkflowFacts):
    """``WorkflowFacts`` that counts how often a round's letter is built."""

    letters = 0

    def letter(self, uow: UnitOfWork, round_id: int) -> LetterFacts:
        self.letters += 1
        return super().letter(uow, round_id)


def _facts() -> CountingFacts:
    return CountingFacts(BASE, SECRET, attachments=False)


def _reply(engine: Engine, clock: FixedClock, rid: int, unit: str, *comments: str) -> None:
    with UnitOfWork(engine) as uow:
        submit_reply(
            uow,
            clock,
            STAFF,
            SubmitReply(
                round_id=rid,
                unit_name=unit,
                no_comments=not comments,
                comments=[CommentInput("序号1", text, "", "便于落实") for text in comments],
            ),
        )


def _compose(engine: Engine, composer: Composer, rid: int, kind: str) -> list[OutgoingMessage]:
    """The round's notices of ``kind``, as the relay composes them: each in its own read-only unit of work."""
    with UnitOfWork(engine).for_reading() as uow:
        ids = [r.id or 0 for r in uow.outbox.for_round(rid) if r.kind == kind]
    out = []
    for message_id in ids:
        with UnitOfWork(engine).for_reading() as uow:
            row = uow.outbox.get(message_id)
            assert row is not None
            out.append(composer(uow, row))
    return out


def _masked(text: str) -> str:
    return re.sub(r"/r/\S+", "/r/TOKEN", text)


@pytest.fixture
def world(engine: Engine):  # type: ignore[no-untyped-def]
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=3)
    rid = new_round(engine, clock, office, T0 + timedelta(days=3), 1)
    clock.advance(timedelta(hours=1))
    return engine, clock, office, rid


def test_notices_composed_with_the_kept_part_are_word_for_word_the_ones_composed_alone(world) -> None:  # type: ignore[no-untyped-def]
    engine, clock, _office, rid = world
    _reply(engine, clock, rid, "测试单位001", "建议补充具体措施。")
    _reply(engine, clock, rid, "测试单位002")
    _reply(engine, clock, rid, "测试单位001", "建议补充具体措施。", "第二条意见。")  # a revision
    facts = _facts()
    kept = Composer(facts, clock)
    for kind in ("solicitation", "reply_receipt"):
        together = _compose(engine, kept, rid, kind)
        alone = [_compose_one(engine, clock, rid, kind, n) for n in range(len(together))]
        assert len(together) == 3 and together == alone, kind
    assert facts.letters == 1, "the round's letter was built once for its six notices"

    solicitation = _compose(engine, kept, rid, "solicitation")[0]
    assert solicitation.subject == SOLICITATION_SUBJECT and _masked(solicitation.text) == SOLICITATION_TEXT
    assert [a.filename for a in solicitation.attachments] == ["截止时间.ics"]
    receipt = _compose(engine, kept, rid, "reply_receipt")[0]
    assert receipt.subject == "【回执】已收到测试单位001对孝安办函〔2026〕1号的回复（第1次）"
    assert receipt.text == RECEIPT_TEXT and receipt.sender_name == "孝义市安全生产委员会办公室"
    with UnitOfWork(engine) as uow:  # the notice's letter is the letter's own title and attachments
        letter = official.letter(uow, rid)
        assert facts.letter(uow, rid) == LetterFacts(letter.title, letter.attachments)


def _compose_one(engine: Engine, clock: FixedClock, rid: int, kind: str, n: int) -> OutgoingMessage:
    """The ``n``-th notice of ``kind`` composed by a composer of its own (nothing kept from another)."""
    with UnitOfWork(engine).for_reading() as uow:
        row = [r for r in uow.outbox.for_round(rid) if r.kind == kind][n]
        return Composer(_facts(), clock)(uow, row)


def test_a_deadline_contact_or_title_change_shows_in_the_next_message(world) -> None:  # type: ignore[no-untyped-def]
    engine, clock, _office, rid = world
    facts = _facts()
    composer = Composer(facts, clock)
    first = _compose(engine, composer, rid, "solicitation")[0]
    assert "请于2026年3月5日9时前反馈修改意见" in first.text and "联系人：赵健" in first.text

    with UnitOfWork(engine) as uow:
        change_deadline(uow, clock, STAFF, rid, T0 + timedelta(days=6), "部分单位申请延期")
    after = _compose(engine, composer, rid, "solicitation")[0]
    assert "请于2026年3月8日9时前反馈修改意见" in after.text
    assert b"DTSTART:20260308T010000Z" in after.attachments[0].data, "the calendar entry too"
    changed = _compose(engine, composer, rid, "deadline_changed")[0]
    assert "2026年3月8日9时" in changed.text

    with UnitOfWork(engine) as uow:  # no service changes these today: any writer may
        rnd = uow.rounds.get(rid)
        assert rnd is not None
        rnd.contact, rnd.phone = "钱七", "0358-7654321"
        draft = uow.drafts.get(rnd.draft_id)
        assert draft is not None
        draft.title = "测试文稿1（修订）"
        uow.session.add_all([rnd, draft])
        uow.commit()
    renamed = _compose(engine, composer, rid, "solicitation")[0]
    assert "联系人：钱七，电话：0358-7654321" in renamed.text
    assert "《测试文稿1（修订）（代拟稿）》" in renamed.subject, "the letter's title is the draft's new one"
    assert renamed == _compose_one(engine, clock, rid, "solicitation", 0)
    assert facts.letters == 3, "built again after each change, not for every message"


def test_a_reloaded_office_profile_shows_in_the_next_message(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine, clock, _office, rid = world
    (tmp_path / "reply_receipt.subject.j2").write_text(
        "【{{ wording.receipt_tag }}】{{ unit.name }}（第{{ reply.revision }}次）", encoding="utf-8"
    )

    def load(tag: str, name: str = DEMO_PROFILE.name) -> None:  # ``consultflow init`` with the edited profile
        profile = replace(
            DEMO_PROFILE, name=name, template_dir=str(tmp_path), wording={**DEMO_PROFILE.wording, "receipt_tag": tag}
        )
        with UnitOfWork(engine) as uow:
            ensure_office(uow, clock, STAFF, profile.name, profile=profile)

    load("回执")
    _reply(engine, clock, rid, "测试单位001", "建议补充具体措施。")
    composer = Composer(_facts(), clock)
    assert _compose(engine, composer, rid, "reply_receipt")[0].subject == "【回执】测试单位001（第1次）"
    load("收悉回执")
    assert _compose(engine, composer, rid, "reply_receipt")[0].subject == "【收悉回执】测试单位001（第1次）"
    load("收悉回执", "孝义市安全生产委员会办公室（更名）")
    receipt = _compose(engine, composer, rid, "reply_receipt")[0]
    assert receipt.sender_name == "孝义市安全生产委员会办公室（更名）"


def test_changes_not_yet_written_are_composed_and_not_kept(world) -> None:  # type: ignore[no-untyped-def]
    """Composing inside a unit of work that changed the round (not flushed): the message shows the change,
    and once that unit of work rolls back the next message is the stored round's again."""
    engine, clock, _office, rid = world
    composer = Composer(_facts(), clock)
    stored = _compose(engine, composer, rid, "solicitation")[0]
    with UnitOfWork(engine) as uow:
        row = next(r for r in uow.outbox.for_round(rid) if r.kind == "solicitation")
        rnd = uow.rounds.get(rid)
        assert rnd is not None
        rnd.contact = "孙八"
        assert "联系人：孙八" in composer(uow, row).text
    assert _compose(engine, composer, rid, "solicitation")[0] == stored


def test_the_kept_parts_are_bounded(world, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, first = world
    monkeypatch.setattr(compose, "ROUND_PARTS", 2)
    rounds = [first, *(new_round(engine, clock, office, T0 + timedelta(days=3), n, ["测试单位001"]) for n in (2, 3))]
    facts = _facts()
    composer = Composer(facts, clock)
    for rid in [*rounds, rounds[-1]]:
        _compose(engine, composer, rid, "solicitation")
    assert facts.letters == 3 and len(composer._parts) == 2, "the least recently used round went"
    _compose(engine, composer, rounds[0], "solicitation")
    assert facts.letters == 4
