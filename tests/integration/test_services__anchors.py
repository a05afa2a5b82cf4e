"""Anchors on a task-division draft, on SQLite and PostgreSQL: a task inserted before 序号2 makes the old 2
the new 3 and its comment follows; a database written before anchors existed (no stored items, comments
without an anchor) gets the same answers, read from the task table and the comments' targets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

from documents.md_writer import render_markdown
from kernel.clock import FixedClock
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import SECRET, STAFF, setup_office
from workflow.parsing.draft_markdown import parse_draft_markdown
from workflow.reports.official import adoption
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide
from workflow.services.drafts import import_draft, revise_draft
from workflow.services.queries import round_status
from workflow.services.replies import CommentInput, SubmitReply, submit_reply
from workflow.services.rounds import StartRound, start_round
from workflow.services.versions import changed_tasks, diff_items, unapplied_adoptions

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
HEADER = "# 关于做好防汛工作的通知\n\n| 序号 | 任务 | 主要内容 | 责任单位 |\n|---|---|---|---|\n"
ROWS = {
    "plan": "| {n} | 完善预案 | (1) 修订防汛应急预案，组织一次综合演练 | 市水利局 |\n",
    "check": "| {n} | 排查隐患 | (1) 对堤防、水库逐一开展隐患排查，建立台账 | 各乡镇（街道） |\n",
    "stock": "| {n} | 储备物资 | (1) 按标准储备编织袋、救生衣等防汛物资 | 市应急管理局 |\n",
    "new": "| {n} | 加强预警 | (1) 建立暴雨预警“叫应”机制，直达村组责任人 | 市气象局 |\n",
}


def _draft(*keys: str, stock: str = "") -> str:
    rows = "".join(ROWS[k].format(n=n) for n, k in enumerate(keys, 1))
    return HEADER + (rows.replace("救生衣等", stock) if stock else rows)


def _round(engine: Engine, clock: FixedClock) -> tuple[int, int]:
    office = setup_office(engine, clock, units=2)
    with UnitOfWork(engine) as uow:
        stored = import_draft(
            uow,
            clock,
            STAFF,
            parse_draft_markdown(_draft("plan", "check", "stock")),
            title="防汛通知",
            issuer="某市",
            filename="v1.md",
            office_id=office,
        )
    assert (stored.kind, stored.items, stored.answer()["tasks"]) == ("tasks", 3, 3)
    with UnitOfWork(engine) as uow:
        cmd = StartRound(
            stored.draft_id,
            office,
            "某防办函〔2026〕1号",
            T0 + timedelta(days=1),
            "王",
            "1",
            unit_names=["测试单位001"],
        )
        rid = start_round(uow, clock, STAFF, cmd, secret=SECRET).round_id
    comments = (
        CommentInput("序号2", "建议排查范围包括山塘。"),
        CommentInput("序号3 物资", "建议增加冲锋舟。"),
        CommentInput("全文", "建议压实乡镇责任。"),
    )
    with UnitOfWork(engine) as uow:
        submit_reply(uow, clock, STAFF, SubmitReply(rid, unit_name="测试单位001", comments=comments))
    clock.set(T0 + timedelta(days=2))
    sweep(uow_factory(engine), clock)
    with UnitOfWork(engine) as uow:
        ids = [c["id"] for c in round_status(uow, rid)["comments"]]
    for comment_id in ids:
        with UnitOfWork(engine) as uow:
            decide(uow, clock, STAFF, Decide(comment_id, "adopted"))
    with UnitOfWork(engine) as uow:  # 加强预警 inserted before 排查隐患; 储备物资 reworded
        parsed = parse_draft_markdown(_draft("plan", "new", "check", "stock", stock="救生衣、冲锋舟等"))
        revised = revise_draft(uow, clock, STAFF, stored.draft_id, parsed, filename="v2.md")
    assert revised.changes == {"inserted": 1, "renumbered": 1, "changed": 1}
    return stored.draft_id, rid


def _check(engine: Engine, draft_id: int, rid: int) -> None:
    with UnitOfWork(engine) as uow:
        anchors = {c["target"]: c["anchor"] for c in round_status(uow, rid)["comments"]}
        flagged = unapplied_adoptions(uow, rid)
        changed = changed_tasks(uow, rid)
        diff = [(c.change, c.label_before, c.label_after) for c in diff_items(uow, draft_id, 1, 2)]
        table = render_markdown(adoption(uow, rid))
    assert anchors["序号2"] is not None and anchors["序号2"]["display"] == "现序号3（原序号2）"
    assert anchors["序号2"]["changed"] is False
    assert anchors["序号3 物资"] is not None and anchors["序号3 物资"]["display"] == "现序号4（原序号3）"
    assert anchors["序号3 物资"]["changed"] is True
    assert anchors["全文"] is None
    assert changed == {2, 4}, "the inserted task and the reworded one; the renumbered one did not change"
    assert diff == [("inserted", None, "序号2"), ("renumbered", "序号2", "序号3"), ("changed", "序号3", "序号4")]
    assert [(f["target"], f["anchor"]["display"] if f["anchor"] else None) for f in flagged] == [
        ("序号2", "现序号3（原序号2）"),
        ("全文", None),
    ]
    assert "予以采纳（已在修改稿现序号4（原序号3）中落实）" in table


def test_task_anchors_follow_an_inserted_task(engine: Engine) -> None:
    clock = FixedClock(T0)
    draft_id, rid = _round(engine, clock)
    _check(engine, draft_id, rid)


def test_a_database_from_before_anchors_gives_the_same_answers(engine: Engine) -> None:
    clock = FixedClock(T0)
    draft_id, rid = _round(engine, clock)
    with engine.begin() as conn:  # as 0005 left it: no items, no links, no anchors
        conn.execute(text("DELETE FROM draft_item_link"))
        conn.execute(text("DELETE FROM draft_item"))
        conn.execute(text("UPDATE comment SET anchor_seq = NULL"))
    _check(engine, draft_id, rid)
