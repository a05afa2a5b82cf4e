"""A revised draft: the diff shows exactly the changed tasks; an adopted comment whose task did
not change is flagged before review, and one linked to its change is not."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from kernel.clock import FixedClock
from tests.e2e.test_cli__journey import DRAFT, UNITS_CSV, _comments
from tests.support.cli import Cli, write_config


def test_diff_and_unapplied_adoptions(tmp_path: Path, clock: FixedClock) -> None:
    cli = Cli(write_config(tmp_path / "config.toml", f"sqlite:///{tmp_path / 'x.db'}"), clock)
    cli.ok("init")
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    cli.ok("units", "import", str(tmp_path / "units.csv"))
    cli.ok("draft", "import", str(DRAFT), "--title", "关于做好2023年安全生产工作的通知", "--issuer", "孝义市人民政府")
    rid = str(
        cli.ok(
            "round",
            "start",
            "--draft",
            "1",
            "--doc-number",
            "孝安办函〔2023〕1号",
            "--deadline",
            (clock.now() + timedelta(days=1)).isoformat(),
            "--unit",
            "交通局",
            "--unit",
            "消防救援大队",
            "--contact",
            "赵健",
            "--phone",
            "1",
        )["round_id"]
    )
    cli.ok(
        "reply",
        "--round",
        rid,
        "--unit",
        "交通局",
        "--comments",
        _comments(tmp_path, "a.json", [{"target": "序号8 交通运输", "text": "建议增加“进一步强化邮递行业安全监管”。"}]),
    )
    cli.ok(
        "reply",
        "--round",
        rid,
        "--unit",
        "消防救援大队",
        "--comments",
        _comments(tmp_path, "b.json", [{"target": "序号18", "text": "建议采取购买服务方式进行消防安全风险评估。"}]),
    )
    clock.advance(timedelta(days=2))
    cli.ok("sweep")
    ids = {c["unit"]: c["id"] for c in cli.ok("status", "--round", rid)["comments"]}
    transport, fire = ids["交通运输局"], ids["市消防救援大队"]

    revised = tmp_path / "v2.txt"
    text = DRAFT.read_text(encoding="utf-8")
    old = "深化“一盔一带”安全守护行动。"
    assert text.count(old) == 2  # once in the body, once in the table
    revised.write_text(text.replace(old, old + "进一步强化邮递行业安全监管。"), encoding="utf-8")
    assert cli.ok("draft", "revise", "--draft", "1", str(revised))["version"] == 2
    diff = cli.ok("draft", "diff", "--draft", "1", "--from", "1", "--to", "2")
    assert [(c["number"], c["change"]) for c in diff["changes"]] == [(8, "changed")]
    [changed_item] = [x for x in diff["changes"][0]["items_after"] if x not in diff["changes"][0]["items_before"]]
    assert changed_item.startswith("交通运输：") and "邮递行业安全监管" in changed_item
    human = cli("draft", "diff", "--draft", "1", "--from", "1", "--to", "2", json=False).stdout
    assert human.startswith("序号8（修改）深化重点行业领域专项整治")

    cli.ok("decide", "--comment", str(transport), "--adopt", "--change", "8")
    cli.ok("decide", "--comment", str(fire), "--adopt")
    flagged = cli.ok("status", "--round", rid)["unapplied_adoptions"]
    assert [(f["comment_id"], f["task"]) for f in flagged] == [(fire, 18)]
    assert "序号18在修改稿中没有变化" in flagged[0]["message"]
    submitted = cli.ok("submit-review", "--round", rid)
    assert [w["comment_id"] for w in submitted["warnings"]] == [fire]
    md = cli("report", "--round", rid, "--kind", "adoption", "--format", "md", json=False).stdout
    assert "予以采纳（已在修改稿序号8中落实）" in md
    package = cli("report", "--round", rid, "--kind", "review-package", "--format", "md", json=False).stdout
    assert "需核对事项" in package and "序号18在修改稿中没有变化" in package
    assert cli.error("decide", "--comment", str(fire), "--adopt", "--change", "99")["code"] in (
        "DECISION_NOT_ALLOWED",
        "CHANGE_TASK_UNKNOWN",
    )
