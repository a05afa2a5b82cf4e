"""A round on an article-structured draft (某市城市绿化管理办法) through the CLI, on SQLite and PostgreSQL:
import → start → replies on 第X条 / 第X条第X款 / 第X条第（X）项 / 第X章 / free text → decide (some naming the
article that carries them out, ``--change 第七条``) → a revision that inserts, deletes, splits and reorders
articles → every comment's anchor, ``draft diff``, the "adopted but not changed" check and the adoption
table; then a decision naming an article of the revision."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kernel.clock import FixedClock
from tests.e2e.test_cli__journey import UNITS_CSV, _comments
from tests.fixtures.drafts import GREENING_V1, GREENING_V2
from tests.support.cli import Cli, write_config

REPLIES = {
    "交通局": [
        ("第五条", "建议明确设计单位的资质等级。", "adopt"),
        ("第八条第二款", "建议写明“防护绿地”的范围。", "reject"),
        ("第九条", "本条与《城市绿化条例》重复，建议删除。", "adopt"),
        ("第五条第（三）项", "古树名木保护范围应以公布的为准。", "partly"),
    ],
    "消防救援大队": [
        ("第六条", "验收和备案宜分开规定。", "adopt"),
        ("第六条第二款", "建议将备案期限改为十五个工作日。", "reject"),
        ("第七条", "临时占用应规定最长期限。", "reject"),
        ("建议增加屋顶绿化的规定", "鼓励建设屋顶绿化、垂直绿化。", "reject"),
    ],
    "住建局": [
        ("第三条第二款", "建议明确日常管理职责。", "adopt"),
        ("第十条", "处罚依据应当引用正确的条文。", "adopt"),
        ("第三章", "本章标题建议改为“保护管理”。", "reject"),
        ("第十一条", "施行日期请结合审议时间确定。", "reject"),
    ],
}


@pytest.fixture
def cli(tmp_path: Path, db_url: str, clock: FixedClock) -> Cli:
    c = Cli(write_config(tmp_path / "config.toml", db_url), clock)
    c.ok("init")
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    c.ok("units", "import", str(tmp_path / "units.csv"))
    return c


def _reply(cli: Cli, tmp_path: Path, rid: str, unit: str, rows: list[tuple[str, str, str]]) -> Any:
    items = [{"target": t, "text": x, "basis": "", "reason": "便于执行。"} for t, x, _d in rows]
    return cli.ok("reply", "--round", rid, "--unit", unit, "--comments", _comments(tmp_path, f"{unit}.json", items))


def _anchors(cli: Cli, rid: str) -> dict[str, dict[str, Any] | None]:
    return {c["target"]: c["anchor"] for c in cli.ok("status", "--round", rid)["comments"]}


def test_article_draft_round_with_anchors_that_survive_a_revision(cli: Cli, clock: FixedClock, tmp_path: Path) -> None:
    imported = cli.ok(
        "draft", "import", str(GREENING_V1), "--title", "某市城市绿化管理办法", "--issuer", "某市人民政府"
    )
    assert imported == {
        "draft_id": 1,
        "version": 1,
        "kind": "articles",
        "items": 32,
        "doc_type": "general",
    }, "an article draft answers its kind and items, and no task count"
    deadline = (clock.now() + timedelta(days=2)).isoformat()
    units = ["--unit", "交通局", "--unit", "消防救援大队", "--unit", "住建局", "--unit", "城管局"]
    start = ["round", "start", "--draft", "1", "--doc-number", "某绿办函〔2024〕3号", "--deadline", deadline]
    rid = str(cli.ok(*start, *units, "--contact", "王敏", "--phone", "0358-1234567")["round_id"])

    wrong = [{"target": "第九十条", "text": "……"}, {"target": "第七条第二款", "text": "……"}]
    error = cli.error("reply", "--round", rid, "--unit", "住建局", "--comments", _comments(tmp_path, "x.json", wrong))
    assert error["details"]["codes"] == ["COMMENT_TARGET_UNKNOWN"] * 2, "both rows reported at once"
    assert "第1条修改意见指向的第九十条在文稿中不存在" in error["message"]
    assert "第2条修改意见指向的第七条第二款在文稿中不存在" in error["message"], "第七条 has one paragraph"
    for unit, rows in REPLIES.items():
        _reply(cli, tmp_path, rid, unit, rows)
    cli.ok("reply", "--round", rid, "--unit", "城管局", "--no-comments")

    before = _anchors(cli, rid)
    assert before["第五条第（三）项"] == {
        "removed": False,
        "label": "第五条第二款第（三）项",
        "version": 1,
        "moved_from": None,
        "original": "第五条第二款第（三）项",
        "changed": False,
        "split_into": [],
        "display": "第五条第二款第（三）项",
    }, "the unit's words are kept; the anchor is the item they name"
    assert before["建议增加屋顶绿化的规定"] is None, "free text has no anchor"

    clock.advance(timedelta(days=3))
    cli.ok("sweep")
    verdicts = {"adopt": ["--adopt"], "reject": ["--reject", "--reason", "理由不充分。"]}
    verdicts["partly"] = ["--partly", "--reason", "部分采纳，表述已调整。"]
    decided = {text: d for rows in REPLIES.values() for _t, text, d in rows}
    # two decisions name the article that carries them out, as the 1st version numbers it (one typed full-width)
    carried = {"处罚依据应当引用正确的条文。": "第七条", "古树名木保护范围应以公布的为准。": "第６条"}
    for c in cli.ok("status", "--round", rid)["comments"]:
        where = ["--change", carried[c["text"]]] if c["text"] in carried else []
        cli.ok("decide", "--comment", str(c["id"]), *verdicts[decided[c["text"]]], *where)
    ids = {c["text"]: c["id"] for c in cli.ok("status", "--round", rid)["comments"]}
    penalty = ids["处罚依据应当引用正确的条文。"]
    said = cli("decide", "--comment", str(penalty), "--adopt", "--change", "第七条", json=False).stdout
    assert "予以采纳，落实于第七条。" in said
    decided_now = {c["id"]: c for c in cli.ok("status", "--round", rid)["comments"]}
    assert (decided_now[penalty]["change_item"], decided_now[penalty]["change_task"]) == ("第七条", None)
    assert decided_now[ids["古树名木保护范围应以公布的为准。"]]["change_display"] == "第六条", "as the draft writes it"
    for named, code, says in (
        ("第九十条", "CHANGE_ITEM_UNKNOWN", "文稿中没有第九十条"),
        ("第七条第二款", "CHANGE_ITEM_UNKNOWN", "文稿中没有第七条第二款"),
        ("屋顶绿化", "CHANGE_ITEM_UNKNOWN", "无法识别落实条目“屋顶绿化”"),
        ("8", "CHANGE_TASK_UNKNOWN", "该文稿没有重点任务分工表"),
    ):
        error = cli.error("decide", "--comment", str(penalty), "--adopt", "--change", named)
        assert (error["code"], says in error["message"]) == (code, True), error
    assert decided_now == {c["id"]: c for c in cli.ok("status", "--round", rid)["comments"]}, "nothing changed"

    revised = cli.ok("draft", "revise", "--draft", "1", str(GREENING_V2))
    assert (revised["version"], revised["kind"], "tasks" in revised) == (2, "articles", False)
    counts = dict(revised["changes"])
    moved_or_renumbered = counts.pop("moved", 0) + counts.pop("renumbered", 0)
    assert counts == {"changed": 2, "inserted": 1, "split": 1, "deleted": 1} and moved_or_renumbered == 4

    after = _anchors(cli, rid)
    shown = {t: (a["display"] if a else None) for t, a in after.items()}
    assert shown == {
        "第五条": "现第六条（原第五条）",
        "第八条第二款": "现第十一条第二款（原第八条第二款）",
        "第九条": "原第九条（第2稿已删除）",
        "第五条第（三）项": "现第六条第二款第（三）项（原第五条第二款第（三）项）",
        "第六条": "现第七条、第八条（原第六条）",
        "第六条第二款": "现第八条（原第六条第二款）",
        "第七条": "现第九条（原第七条）",
        "建议增加屋顶绿化的规定": None,
        "第三条第二款": "第三条第二款",
        "第十条": "第十条",
        "第三章": "第三章",
        "第十一条": "现第十二条（原第十一条）",
    }
    assert after["第五条"] == {
        "removed": False,
        "label": "第六条",
        "version": 2,
        "moved_from": "第五条",
        "original": "第五条",
        "changed": False,
        "split_into": [],
        "display": "现第六条（原第五条）",
    }
    assert after["第九条"] is not None and after["第九条"]["removed"] is True and after["第九条"]["version"] == 2
    assert after["第六条"] is not None and after["第六条"]["split_into"] == ["第七条", "第八条"]
    changed = {t for t, a in after.items() if a and a["changed"]}
    assert changed == {"第九条", "第六条", "第三条第二款", "第十条", "第三章"}, "第三章 changed inside (第十条)"

    diff = cli.ok("draft", "diff", "--draft", "1", "--from", "1", "--to", "2")
    assert diff["changes"] == [], "no task table: the task-by-task view is empty"
    rows = [(c["change"], c["label_before"], c["label_after"]) for c in diff["items"]]
    reordered = [c["label_before"] for c in diff["items"] if c["moved"]]
    assert reordered in (["第八条"], ["第十条"]), "one of the two swapped articles is out of order"
    eight = "moved" if reordered == ["第八条"] else "renumbered"
    expected = [
        ("changed", "第三条", "第三条"),
        ("inserted", None, "第五条"),
        ("renumbered", "第五条", "第六条"),
        ("split", "第六条", "第七条"),
        ("renumbered", "第七条", "第九条"),
        ("changed", "第十条", "第十条"),
        ("deleted", "第九条", None),
        (eight, "第八条", "第十一条"),
        ("renumbered", "第十一条", "第十二条"),
    ]
    assert sorted(rows, key=str) == sorted(expected, key=str)
    assert rows.index(("inserted", None, "第五条")) < rows.index(("renumbered", "第五条", "第六条"))
    split = next(c for c in diff["items"] if c["change"] == "split")
    assert split["split_into"] == ["第七条", "第八条"]
    ten = next(c for c in diff["items"] if c["label_after"] == "第十条")
    assert "第七条规定" in ten["text_before"] and "第九条规定" in ten["text_after"]
    human = cli("draft", "diff", "--draft", "1", "--from", "1", "--to", "2", json=False).stdout
    assert "现第六条（原第五条）：编号变化" in human and "原第九条：删除" in human
    assert "第五条：新增\n  城市绿化应当优先选用乡土树种" in human
    assert cli.error("draft", "diff", "--draft", "1", "--from", "2", "--to", "1")["code"] == "DIFF_VERSIONS_INVALID"

    flagged = cli.ok("status", "--round", rid)["unapplied_adoptions"]
    assert [(f["target"], f["anchor"]["display"]) for f in flagged] == [
        ("第五条", "现第六条（原第五条）"),
        ("第十条", "第十条"),
    ]
    assert "但现第六条（原第五条）在修改稿中没有变化" in flagged[0]["message"]
    assert "但现第九条（原第七条）在修改稿中没有变化" in flagged[1]["message"], "第十条 changed, 第七条 (named) did not"
    assert flagged[1]["change_anchor"]["display"] == "现第九条（原第七条）"
    table = cli("report", "--round", rid, "--kind", "adoption", "--format", "md", json=False).stdout
    assert "予以采纳（已在修改稿第三条第二款中落实）" in table
    assert "予以采纳（修改稿已删除第九条）" in table
    assert "予以采纳（已在修改稿现第七条、第八条（原第六条）中落实）" in table
    assert "现第六条（原第五条）中落实" not in table, "第五条 did not change: nothing is claimed"
    assert "部分采纳，表述已调整。（已在修改稿现第七条、第八条（原第六条）中落实）" in table, "the article named"
    assert "第十条中落实" not in table and "第九条（原第七条）中落实" not in table, "the named 第七条 did not change"
    # after the revision an article is named as the revision numbers it: 第十条 of the 2nd version changed
    cli.ok("decide", "--comment", str(penalty), "--adopt", "--change", "第十条")
    status = cli.ok("status", "--round", rid)
    assert [f["target"] for f in status["unapplied_adoptions"]] == ["第五条"]
    now = next(c for c in status["comments"] if c["id"] == penalty)
    assert (now["change_item"], now["change_display"], now["change_anchor"]["version"]) == ("第十条", "第十条", 2)
    table = cli("report", "--round", rid, "--kind", "adoption", "--format", "md", json=False).stdout
    assert "予以采纳（已在修改稿第十条中落实）" in table
    form = cli("report", "--round", rid, "--kind", "reply-form", "--unit", "交通局", "--format", "md", json=False)
    assert "第五条" in form.stdout and "第一章 总则" in form.stdout and "序号8" not in form.stdout
    note = cli("report", "--round", rid, "--kind", "explanation", "--format", "md", json=False).stdout
    assert "第二部分：主要内容（共4章11条）" in note
    submitted = cli.ok("submit-review", "--round", rid)
    assert [w["target"] for w in submitted["warnings"]] == ["第五条"]
