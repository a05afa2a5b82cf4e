"""A whole round through the CLI: start, replies (one revised), sweep, late reply, decisions,
review returned, revise and resubmit, approve, issue — then the audit chain, intact and tampered."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from kernel.clock import FixedClock
from storage.db import make_engine
from tests.support.cli import Cli, table_counts, write_config

DRAFT = Path(__file__).resolve().parents[2] / "workflow/demo/data/draft_2023_safety.txt"

UNITS_CSV = """名称,类别,别名,联系人,电话,邮箱,webhook
市消防救援大队,市安委会成员单位,消防救援大队,王队,0358-7600001,xfjy@xiaoyi.example.cn,
交通运输局,市安委会成员单位,交通局；市交通局,李科,0358-7600002,jtj@xiaoyi.example.cn,
住建局,市安委会成员单位,市住建局,张科,0358-7600003,,
市城管局,市安委会成员单位,城管局;市城市管理局,赵科,0358-7600004,cgj@xiaoyi.example.cn,
兑镇镇,乡镇（街道）,,刘主任,0358-7700001,dzz@xiaoyi.example.cn,
新义街道,乡镇（街道）,,陈主任,0358-7700002,xyjd@xiaoyi.example.cn,
市司法局,市直部门,司法局,周股长,0358-7600100,sfj@xiaoyi.example.cn,
"""


@pytest.fixture
def cli(tmp_path: Path, db_url: str, clock: FixedClock) -> Cli:
    config = write_config(tmp_path / "config.toml", db_url)
    c = Cli(config, clock)
    assert c("init").exit_code == 0
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    assert c.ok("units", "import", str(tmp_path / "units.csv"))["created"] == 7
    return c


def _comments(tmp_path: Path, name: str, items: list[dict[str, str]]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_whole_round(cli: Cli, clock: FixedClock, tmp_path: Path, db_url: str) -> None:
    draft = cli.ok(
        "draft",
        "import",
        str(DRAFT),
        "--title",
        "孝义市人民政府关于做好2023年安全生产工作的通知",
        "--issuer",
        "孝义市人民政府",
    )
    assert draft["tasks"] == 29 and draft["version"] == 1

    deadline = (clock.now() + timedelta(days=2)).isoformat()
    started = cli.ok(
        "round",
        "start",
        "--draft",
        str(draft["draft_id"]),
        "--doc-number",
        "孝安办函〔2023〕1号",
        "--deadline",
        deadline,
        "--unit",
        "消防救援大队",
        "--unit",
        "交通局",
        "--unit",
        "住建局",
        "--unit",
        "市城管局",
        "--category",
        "乡镇（街道）",
        "--contact",
        "赵健",
        "--phone",
        "18335877837",
    )
    rid = str(started["round_id"])
    assert len(started["recipients"]) == 6
    assert started["without_address"] == ["住建局"]

    clock.advance(timedelta(hours=3))
    first = _comments(
        tmp_path,
        "fire1.json",
        [
            {
                "target": "序号4",
                "text": "建议增加：成立市消防安全专业委员会。",
                "basis": "省消防救援总队年度重点工作",
                "reason": "规范运行机制",
            },
            {"target": "序号8 消防", "text": "建议增加养老院、幼儿园等传统高风险场所。", "basis": "", "reason": ""},
        ],
    )
    r1 = cli.ok("reply", "--round", rid, "--unit", "市消防救援大队", "--comments", first, "--channel", "paper")
    assert r1 == {"reply_id": r1["reply_id"], "late": False, "revision": 1, "state": "with_comments"}
    cli.ok(
        "reply",
        "--round",
        rid,
        "--unit",
        "交通运输局",
        "--comments",
        _comments(tmp_path, "jt.json", [{"target": "序号8", "text": "建议增加“进一步强化邮递行业安全监管”。"}]),
    )
    cli.ok("reply", "--round", rid, "--unit", "城管局", "--no-comments")
    clock.advance(timedelta(hours=1))
    revised = _comments(
        tmp_path,
        "fire2.json",
        [{"target": "序号12", "text": "建议推动设立消防安全管理中心。", "basis": "", "reason": "夯实基层"}],
    )
    r2 = cli.ok("reply", "--round", rid, "--unit", "市消防救援大队", "--comments", revised)
    assert r2["revision"] == 2 and not r2["late"]

    # Before the deadline the sweep does nothing.
    assert cli.ok("sweep") == {"enforced_rounds": 0, "deemed_no_objection": 0}
    clock.advance(timedelta(days=2))
    assert cli.ok("sweep") == {"enforced_rounds": 1, "deemed_no_objection": 3}
    assert cli.ok("sweep") == {"enforced_rounds": 0, "deemed_no_objection": 0}

    late = cli.ok(
        "reply",
        "--round",
        rid,
        "--unit",
        "兑镇镇",
        "--comments",
        _comments(tmp_path, "late.json", [{"target": "序号15", "text": "建议增加乡镇宣传专栏。"}]),
    )
    assert late["late"] is True

    status = cli.ok("status", "--round", rid)
    states = {r["unit"]: (r["state"], r["late"]) for r in status["recipients"]}
    assert states == {
        "市消防救援大队": ("with_comments", False),
        "交通运输局": ("with_comments", False),
        "住建局": ("deemed_no_objection", False),
        "市城管局": ("no_comments", False),
        "兑镇镇": ("deemed_no_objection", True),
        "新义街道": ("deemed_no_objection", False),
    }
    queue = status["comments"]
    assert [(c["unit"], c["target"]) for c in queue] == [("市消防救援大队", "序号12"), ("交通运输局", "序号8")]
    assert [x["unit"] for x in status["late_replies"]] == ["兑镇镇"]
    assert status["round"]["draft_state"] == "deciding"

    cli.ok("admit", "--reply", str(late["reply_id"]), "--reason", "因系统故障延误，经主要负责同志同意纳入")
    queue = cli.ok("status", "--round", rid)["comments"]
    assert len(queue) == 3
    fire, transport, township = (c["id"] for c in queue)

    # Review before every comment is decided is refused, and changes nothing.
    assert cli.error("submit-review", "--round", rid)["code"] == "COMMENTS_UNDECIDED"
    assert cli.error("decide", "--comment", str(transport), "--reject")["code"] == "DECISION_REASON_REQUIRED"
    cli.ok("decide", "--comment", str(fire), "--adopt")
    cli.ok("decide", "--comment", str(transport), "--partly", "--reason", "部分内容已在序号5中体现。")
    cli.ok("decide", "--comment", str(township), "--reject", "--reason", "理由不充分或无依据，不予采纳。")
    cli.ok("submit-review", "--round", rid)
    assert (
        cli.error("reply", "--round", rid, "--unit", "新义街道", "--no-comments")["code"] == "ROUND_CLOSED_FOR_REPLIES"
    )

    clock.advance(timedelta(days=1))
    assert (
        cli.error("review", "--round", rid, "--return", "--reviewer", "市司法局")["code"] == "REVIEW_OPINION_REQUIRED"
    )
    cli.ok(
        "review",
        "--round",
        rid,
        "--return",
        "--reviewer",
        "市司法局",
        "--opinion",
        "第16项引用法规名称不准确，请修改。",
    )
    assert cli.error("issue", "--round", rid, "--doc-number", "孝政发〔2023〕1号")["code"] == "TRANSITION_FORBIDDEN"
    revised_draft = cli.ok("draft", "revise", "--draft", str(draft["draft_id"]), str(DRAFT), "--note", "按审查意见修改")
    assert revised_draft["version"] == 2
    cli.ok("submit-review", "--round", rid)
    cli.ok("review", "--round", rid, "--approve", "--reviewer", "市司法局", "--opinion", "经审查，同意印发。")
    issued = cli.ok("issue", "--round", rid, "--doc-number", "孝政发[2023]1号")
    assert issued["doc_number"] == "孝政发〔2023〕1号" and issued["state"] == "issued"

    rounds = cli.ok("round", "list")
    assert rounds[0]["draft_state"] == "issued" and rounds[0]["doc_number"] == "孝安办函〔2023〕1号"

    table = cli.ok("report", "--round", rid, "--kind", "adoption", "--format", "json")
    assert [(g["reply_category"], g["unit_category"], g["count"]) for g in table["groups"]] == [
        ("with_comments", "member_unit", 2),
        ("no_comments", "member_unit", 1),
        ("deemed_no_objection", "member_unit", 1),
        ("deemed_no_objection", "township", 2),
    ]
    assert table["legality_review"]["state"] == "approved"

    events = cli.ok("audit", "export", "--round", rid, "--format", "json")["events"]
    actions = [e["action"] for e in events]
    assert actions.count("recipient.deemed_no_objection") == 3
    deemed = next(e for e in events if e["action"] == "round.deadline_enforced")
    assert deemed["payload"]["deadline"] and deemed["payload"]["enforced_at"]
    assert "reply.late" in actions and "reply.late_admitted" in actions

    verdict = cli.ok("audit", "verify")
    assert verdict["ok"] is True and verdict["checked"] > 20
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE auditevent SET actor = '篡改者' WHERE seq = 7"))
    engine.dispose()
    broken = cli("audit", "verify")
    assert broken.exit_code == 3
    assert broken.json["error"]["code"] == "AUDIT_CHAIN_BROKEN" and broken.json["error"]["first_bad_seq"] == 7
    human = cli("audit", "verify", json=False)
    assert human.exit_code == 3 and "7" in human.stderr and "校验失败" in human.stderr


def test_bad_input_is_refused_and_changes_nothing(cli: Cli, clock: FixedClock, tmp_path: Path, db_url: str) -> None:
    draft = cli.ok("draft", "import", str(DRAFT), "--title", "通知", "--issuer", "孝义市人民政府")
    did = str(draft["draft_id"])
    deadline = (clock.now() + timedelta(days=1)).isoformat()
    base = ["round", "start", "--draft", did, "--contact", "赵健", "--phone", "18335877837"]
    engine = make_engine(db_url)
    before = table_counts(engine)
    cases = [
        ([*base, "--doc-number", "孝安办函〔2023〕1号", "--deadline", deadline, "--unit", "不存在局"], "UNIT_UNKNOWN"),
        (
            [*base, "--doc-number", "孝安办函〔2023〕1号", "--deadline", "2020-01-01T10:00", "--all-units"],
            "DEADLINE_IN_PAST",
        ),
        ([*base, "--doc-number", "孝安办函〔2023〕1号", "--deadline", "明天上午", "--all-units"], "DATETIME_INVALID"),
        ([*base, "--doc-number", "孝安办函2023-1", "--deadline", deadline, "--all-units"], "DOC_NUMBER_INVALID"),
        (
            [*base, "--doc-number", "孝安办函〔2023〕1号", "--deadline", deadline, "--workdays", "3", "--all-units"],
            "DEADLINE_AMBIGUOUS",
        ),
        (["reply", "--round", "99", "--unit", "交通局", "--no-comments"], "ROUND_NOT_FOUND"),
        (["decide", "--comment", "1", "--adopt"], "COMMENT_NOT_FOUND"),
        (["submit-review", "--round", "5"], "ROUND_NOT_FOUND"),
        (["draft", "revise", "--draft", "42", str(DRAFT)], "DRAFT_NOT_FOUND"),
    ]
    for args, code in cases:
        assert cli.error(*args)["code"] == code, args
    broken_table = tmp_path / "bad.txt"
    broken_table.write_text(
        "关于做好安全生产工作的通知\n\n序号\t任务\t主要内容\t责任单位\n1\t甲\t(1) 内容\t单位\n3\t乙\t(1) 内容\t单位\n",
        encoding="utf-8",
    )
    err = cli.error("draft", "import", str(broken_table), "--title", "通知", "--issuer", "孝义市人民政府")
    assert err["code"] == "DRAFT_TABLE_UNPARSEABLE" and err["details"]["line"] == 5 and "第5行" in err["message"]
    assert cli.error("units", "import", str(broken_table))["code"] == "UNITS_FORMAT_UNSUPPORTED"
    assert table_counts(engine) == before

    started = cli.ok(*base, "--doc-number", "孝安办函〔2023〕1号", "--deadline", deadline, "--all-units")
    rid = str(started["round_id"])
    before = table_counts(engine)
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    unknown_target = _comments(tmp_path, "t.json", [{"target": "序号99", "text": "x"}])
    no_text = _comments(tmp_path, "n.json", [{"target": "序号1", "text": " "}])
    cases = [
        (["reply", "--round", rid, "--unit", "交通局", "--comments", str(empty)], "COMMENTS_EMPTY"),
        (["reply", "--round", rid, "--unit", "交通局", "--comments", str(broken)], "COMMENTS_MALFORMED"),
        (["reply", "--round", rid, "--unit", "交通局", "--comments", unknown_target], "COMMENT_TARGET_UNKNOWN"),
        (["reply", "--round", rid, "--unit", "交通局", "--comments", no_text], "COMMENT_TEXT_REQUIRED"),
        (["reply", "--round", rid, "--unit", "市", "--no-comments"], "UNIT_AMBIGUOUS"),
        (["reply", "--round", rid, "--unit", "交通局", "--no-comments", "--channel", "fax"], "REPLY_CHANNEL_INVALID"),
        ([*base, "--doc-number", "孝安办函〔2023〕2号", "--deadline", deadline, "--all-units"], "TRANSITION_FORBIDDEN"),
        (["issue", "--round", rid, "--doc-number", "孝政发〔2023〕1号"], "TRANSITION_FORBIDDEN"),
    ]
    for args, code in cases:
        assert cli.error(*args)["code"] == code, args
    assert table_counts(engine) == before

    # A second draft may not reuse the document number of the office in the same year.
    other = cli.ok("draft", "import", str(DRAFT), "--title", "另一通知", "--issuer", "孝义市人民政府")
    before = table_counts(engine)
    err = cli.error(
        "round",
        "start",
        "--draft",
        str(other["draft_id"]),
        "--doc-number",
        "孝安办函［2023］1号",
        "--deadline",
        deadline,
        "--all-units",
        "--contact",
        "赵健",
        "--phone",
        "1",
    )
    assert err["code"] == "DOC_NUMBER_DUPLICATE"
    assert table_counts(engine) == before
    engine.dispose()


def test_human_errors_are_chinese_and_json_errors_have_codes(cli: Cli) -> None:
    human = cli("reply", "--round", "9", "--unit", "交通局", "--no-comments", json=False)
    assert human.exit_code == 1 and "征求意见轮次 9 不存在" in human.stderr
    machine = cli("reply", "--round", "9", "--unit", "交通局", "--no-comments")
    assert machine.json == {
        "error": {"code": "ROUND_NOT_FOUND", "message": "征求意见轮次 9 不存在。", "details": {"round_id": 9}}
    }
