"""落实于 any item of the draft, on SQLite and PostgreSQL: a decision names the task or item that carries it out
as people write it ("8", "序号8", "第五条", "第五条第（三）项"); an unknown one is refused with a stable code and
nothing stored; the item is kept by its seq, so a revision that renumbers, splits or deletes it carries the
decision on (the "adopted but not changed" check and the adoption table read it there)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from documents.md_writer import render_markdown
from kernel.clock import FixedClock
from kernel.errors import InvalidInput
from storage.models import AuditEvent
from storage.uow import UnitOfWork, uow_factory
from tests.fixtures.drafts import GREENING_V1, GREENING_V2
from tests.support.scenario import SECRET, STAFF, new_round, setup_office
from workflow.reports.official import adoption
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide, decide_many
from workflow.services.drafts import import_draft_file, revise_draft_file
from workflow.services.queries import round_status
from workflow.services.replies import CommentInput, SubmitReply, submit_reply
from workflow.services.rounds import StartRound, start_round
from workflow.services.versions import unapplied_adoptions

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
TARGETS = ("第五条", "第六条", "第九条", "第十条")


def _article_round(engine: Engine, clock: FixedClock) -> tuple[int, int, dict[str, int]]:
    """The greening regulation asked of one unit, a comment on each of ``TARGETS``, the deadline passed:
    (draft id, round id, comment id by target)."""
    office = setup_office(engine, clock, units=1)
    with UnitOfWork(engine) as uow:
        draft = import_draft_file(
            uow,
            clock,
            STAFF,
            "greening.txt",
            GREENING_V1.read_bytes(),
            title="绿化办法",
            issuer="某市",
            office_id=office,
        )
    with UnitOfWork(engine) as uow:
        cmd = StartRound(
            draft.draft_id, office, "某绿办函〔2026〕1号", T0 + timedelta(days=1), "王", "1", unit_names=["测试单位001"]
        )
        rid = start_round(uow, clock, STAFF, cmd, secret=SECRET).round_id
    comments = [CommentInput(t, f"关于{t}的意见。") for t in TARGETS]
    with UnitOfWork(engine) as uow:
        ids = submit_reply(uow, clock, STAFF, SubmitReply(rid, unit_name="测试单位001", comments=comments))
    clock.set(T0 + timedelta(days=2))
    sweep(uow_factory(engine), clock)
    return draft.draft_id, rid, dict(zip(TARGETS, ids.comment_ids, strict=True))


def _decide(engine: Engine, clock: FixedClock, cmd: Decide) -> None:
    with UnitOfWork(engine) as uow:
        decide(uow, clock, STAFF, cmd)


def _stored(engine: Engine, comment_id: int) -> tuple[int | None, int | None, int | None, str | None]:
    with UnitOfWork(engine) as uow:
        d = uow.replies.decision(comment_id)
        assert d is not None
        return d.change_task_number, d.change_item_version, d.change_item_seq, d.change_item_label


def _refused(engine: Engine, clock: FixedClock, cmd: Decide) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        _decide(engine, clock, cmd)
    return caught.value


def test_an_article_is_named_as_written_and_an_unknown_one_is_refused(engine: Engine) -> None:
    clock = FixedClock(T0)
    draft, rid, ids = _article_round(engine, clock)
    five = ids["第五条"]
    _decide(engine, clock, Decide(five, "adopted", change_item=" 第 五 条 第（三）项 "))
    with UnitOfWork(engine) as uow:
        version = uow.drafts.version(draft, 1)
        assert version is not None
        seq = next(i.seq for i in uow.drafts.items(version.id or 0) if i.label == "第五条第二款第（三）项")
    assert _stored(engine, five) == (None, 1, seq, "第五条第二款第（三）项"), "the item's own label, in version 1"
    with UnitOfWork(engine) as uow:
        [queued] = [d for c, _r, _u, d in uow.replies.decision_queue(rid) if c.id == five]
        status = {c["id"]: c for c in round_status(uow, rid)["comments"]}
        events = uow.session.exec(select(AuditEvent).where(AuditEvent.action == "comment.decided")).all()
    assert queued is not None and queued.change_item_label == "第五条第二款第（三）项", "the queue's plain rows"
    assert status[five]["change_item"] == "第五条第二款第（三）项" and status[five]["change_task"] is None
    assert (
        status[five]["change_display"] == "第五条第二款第（三）项" and status[five]["change_anchor"]["changed"] is False
    )
    payload = json.loads(events[-1].payload)
    assert (payload["change_item"], payload["change_item_version"], payload["change_task"]) == (
        "第五条第二款第（三）项",
        1,
        None,
    ), "the audit event says where"

    cases = (
        (Decide(five, "adopted", change_item="第九十条"), "CHANGE_ITEM_UNKNOWN", "文稿中没有第九十条。"),
        (
            Decide(five, "adopted", change_item="第五条第（九）项"),
            "CHANGE_ITEM_UNKNOWN",
            "文稿中没有第五条第（九）项。",
        ),
        (Decide(five, "adopted", change_item="绿化规划"), "CHANGE_ITEM_UNKNOWN", "无法识别落实条目“绿化规划”"),
        (Decide(five, "adopted", change_item="第五条" * 20), "CHANGE_ITEM_UNKNOWN", "不能超过50个字"),
        (Decide(five, "adopted", change_item="序号8"), "CHANGE_TASK_UNKNOWN", "该文稿没有重点任务分工表，没有序号8"),
        (Decide(five, "adopted", change_task=8), "CHANGE_TASK_UNKNOWN", "该文稿没有重点任务分工表"),
        (Decide(five, "adopted", change_task=1, change_item="第五条"), "CHANGE_TARGET_TWICE", "只能填写一项"),
    )
    for cmd, code, says in cases:
        error = _refused(engine, clock, cmd)
        assert (error.code, says in error.message, error.details.get("field")) == (code, True, "落实条目"), error
    assert _stored(engine, five)[3] == "第五条第二款第（三）项", "a refused decision changes nothing"
    with pytest.raises(InvalidInput) as control:
        Decide(five, "adopted", change_item="第五条\x07")
    assert control.value.code == "TEXT_CONTROL_CHARACTER" and control.value.details["field"] == "落实条目"

    _decide(engine, clock, Decide(five, "partly_adopted", "部分采纳。"))
    assert _stored(engine, five) == (None, None, None, None), "deciding again without a target clears it"
    with UnitOfWork(engine) as uow:
        decide_many(uow, clock, STAFF, rid, [ids["第六条"], ids["第十条"]], Decide(0, "adopted", change_item="第二章"))
    assert _stored(engine, ids["第六条"])[3] == _stored(engine, ids["第十条"])[3] == "第二章", "the bulk form too"


def test_the_named_item_follows_a_revision(engine: Engine) -> None:
    """第六条 (split in the revision), 第九条 (deleted), 第七条 (only renumbered: not carried out), and an
    article of the revision named after it (第十条 of version 2, reworded)."""
    clock = FixedClock(T0)
    draft, rid, ids = _article_round(engine, clock)
    _decide(engine, clock, Decide(ids["第五条"], "adopted", change_item="第六条"))
    _decide(engine, clock, Decide(ids["第六条"], "adopted", change_item="第九条"))
    _decide(engine, clock, Decide(ids["第九条"], "adopted", change_item="第七条"))
    with UnitOfWork(engine) as uow:
        assert unapplied_adoptions(uow, rid) == [], "nothing is checked before a revision"
        revise_draft_file(uow, clock, STAFF, draft, "v2.txt", GREENING_V2.read_bytes())
    _decide(engine, clock, Decide(ids["第十条"], "adopted", change_item="第十条"))
    assert _stored(engine, ids["第十条"])[1:2] == (2,), "named in the version current when decided"
    with UnitOfWork(engine) as uow:
        status = {c["id"]: c for c in round_status(uow, rid)["comments"]}
        flagged = unapplied_adoptions(uow, rid)
        table = render_markdown(adoption(uow, rid))
    shown = {t: status[ids[t]]["change_display"] for t in TARGETS}
    assert shown == {
        "第五条": "现第七条、第八条（原第六条）",
        "第六条": "原第九条（第2稿已删除）",
        "第九条": "现第九条（原第七条）",
        "第十条": "第十条",
    }
    assert [(f["target"], f["change_item"]) for f in flagged] == [("第九条", "第七条")]
    assert "但现第九条（原第七条）在修改稿中没有变化" in flagged[0]["message"]
    assert "予以采纳（已在修改稿现第七条、第八条（原第六条）中落实）" in table
    assert "予以采纳（修改稿已删除第九条）" in table
    assert "予以采纳（已在修改稿第十条中落实）" in table
    assert "第九条（原第七条）中落实" not in table


def test_a_task_draft_takes_a_number_as_people_write_it(engine: Engine) -> None:
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=1)
    rid = new_round(engine, clock, office, T0 + timedelta(days=1), 1, ["测试单位001"])
    with UnitOfWork(engine) as uow:
        cmd = SubmitReply(
            rid, unit_name="测试单位001", comments=[CommentInput("序号8", "意见一"), CommentInput("", "意见二")]
        )
        first, second = submit_reply(uow, clock, STAFF, cmd).comment_ids
    clock.set(T0 + timedelta(days=2))
    sweep(uow_factory(engine), clock)
    for written in ("8", "序号 8", "８"):
        _decide(engine, clock, Decide(first, "adopted", change_item=written))
        assert _stored(engine, first) == (8, None, None, None), written
    _decide(engine, clock, Decide(second, "adopted", change_task=12))
    assert _stored(engine, second)[0] == 12, "the number itself, as before"
    for refused, says in (
        (Decide(first, "adopted", change_item="99"), "重点任务分工中没有序号99。"),
        (Decide(first, "adopted", change_task=99), "重点任务分工中没有序号99。"),
        (Decide(first, "adopted", change_item="第五条"), "“第五条”不是重点任务分工的序号"),
    ):
        error = _refused(engine, clock, refused)
        assert (error.code, says in error.message) == ("CHANGE_TASK_UNKNOWN", True), error
    with UnitOfWork(engine) as uow:
        status = {c["id"]: c for c in round_status(uow, rid)["comments"]}
    assert (status[first]["change_task"], status[first]["change_display"], status[first]["change_item"]) == (
        8,
        "序号8",
        None,
    )
