"""`consultflow demo` replays the seed round; its adoption report reproduces the seed's table."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel.clock import FixedClock
from tests.support.cli import Cli, write_config

SEED_DEEMED = [
    "发改局",
    "教科局",
    "工信局（商务局）",
    "人社局",
    "公安局",
    "民政局",
    "自然资源局（规划局）",
    "吕梁生态环境孝义分局",
    "市水利局",
    "市林业局",
    "农业农村局",
    "市场监管局",
    "市卫体局",
    "市文旅局",
    "市能源局",
    "气象局",
    "市交警大队",
]
SEED_TOWNSHIPS = [
    "兑镇镇",
    "阳泉曲镇",
    "西辛庄镇",
    "柱濮镇",
    "梧桐镇",
    "大孝堡镇",
    "高阳镇",
    "下堡镇",
    "驿马乡",
    "下栅乡",
    "杜村乡",
    "新义街道",
    "中阳楼街道",
    "崇文街道",
    "振兴街道",
    "胜溪湖办事处",
]


@pytest.fixture
def demo_cli(tmp_path: Path, db_url: str, clock: FixedClock) -> tuple[Cli, int]:
    cli = Cli(write_config(tmp_path / "config.toml", db_url), clock)
    loaded = cli.ok("demo")
    return cli, loaded["round_id"]


def test_adoption_report_matches_the_seed_table(demo_cli: tuple[Cli, int]) -> None:
    cli, rid = demo_cli
    table = cli.ok("report", "--round", str(rid), "--kind", "adoption", "--format", "json")
    groups = table["groups"]
    assert [(g["reply_category"], g["unit_category"], g["count"]) for g in groups] == [
        ("with_comments", "member_unit", 3),
        ("no_comments", "member_unit", 1),
        ("deemed_no_objection", "member_unit", 17),
        ("no_comments", "township", 16),
    ]
    with_comments, no_comments, deemed, townships = groups
    assert with_comments["units"] == ["市消防救援大队", "交通运输局", "住建局"]
    assert no_comments["units"] == ["市城管局"]
    assert deemed["units"] == SEED_DEEMED and deemed["count_text"] == "17家"
    assert townships["units"] == SEED_TOWNSHIPS and townships["count_text"] == "16家"
    assert townships["unit_category_label"] == "乡镇（街道）"

    comments = with_comments["comments"]
    assert [c["unit"] for c in comments] == ["市消防救援大队"] * 4 + ["交通运输局", "住建局"]
    fire = comments[:4]
    assert fire[0]["text"].startswith("重点任务分工中序号 4、5 中“严格党政领导责任”")
    assert fire[3]["text"] == "序号 18 中“研判评估风险”中建议增加：建议单位采取购买服务的方式，进行消防安全风险评估。"
    assert {c["decision_text"] for c in fire} == {
        "予以采纳，孝义市消防救援大队结合省消防救援总队年度重点工作中内容进行补充。"
    }
    assert comments[4]["text"] == "序号 8 中“交通运输”建议增加“进一步强化邮递行业安全监管”。"
    assert comments[4]["decision_text"] == "予以采纳"
    assert comments[5]["decision"] == "rejected"
    assert comments[5]["decision_text"] == "不予采纳，原文件中所述“剧本娱乐经营场所”是正确的，和剧院式两个概念。"
    assert deemed["comments"] == [] and townships["comments"] == []
    assert table["legality_review"]["reviewer"] == "市司法局"
    assert table["legality_review"]["state"] == "approved"


def test_demo_history_is_imported_with_recorded_times(demo_cli: tuple[Cli, int]) -> None:
    cli, rid = demo_cli
    events = cli.ok("audit", "export", "--round", str(rid), "--format", "json")["events"]
    assert events and all(e["imported"] for e in events)
    enforced = next(e for e in events if e["action"] == "round.deadline_enforced")
    assert enforced["at"] == "2023-02-18T10:00:00+08:00"
    assert enforced["payload"]["deemed_no_objection"] == 17
    assert sum(e["action"] == "recipient.deemed_no_objection" for e in events) == 17
    assert cli.ok("audit", "verify")["ok"] is True
    status = cli.ok("status", "--round", str(rid))
    assert status["round"]["doc_number"] == "孝安办函〔2023〕1号"
    assert status["round"]["deadline"] == "2023-02-18T10:00:00+08:00"
    assert status["round"]["draft_state"] == "approved"
    again = cli("demo")
    assert again.exit_code == 1 and again.json["error"]["code"] == "DEMO_ALREADY_LOADED"


NOTICE = "演示数据：回复和审查时间为示意，种子材料未记载"


def test_the_demo_says_which_times_the_seed_records_and_which_are_illustrative(
    demo_cli: tuple[Cli, int], tmp_path: Path
) -> None:
    cli, rid = demo_cli
    status = cli.ok("status", "--round", str(rid))
    assert status["round"]["illustrative_times"] is True and status["round"]["illustrative_notice"] == NOTICE
    events = cli.ok("audit", "export", "--round", str(rid), "--format", "json")["events"]
    started = next(e for e in events if e["action"] == "round.started")
    assert started["payload"]["illustrative_times"] is True, "the flag is on the record from the start"
    for kind in ("review-package", "audit"):  # the documents that print reply and review times
        text = cli("report", "--round", str(rid), "--kind", kind, "--format", "md", json=False).stdout
        assert text.startswith(f"> **{NOTICE}**"), kind
    letter = cli("report", "--round", str(rid), "--kind", "letter", "--format", "md", json=False).stdout
    assert NOTICE not in letter, "the letter's own date and deadline are on record"
    out = tmp_path / "archive.zip"
    manifest = cli.ok("archive", "--round", str(rid), "--output", str(out), "--no-pdf")
    assert manifest["files"] > 0
    import json
    import zipfile

    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["illustrative_times"] == NOTICE


def test_the_demo_command_tells_people(tmp_path: Path, clock: FixedClock) -> None:
    cli = Cli(write_config(tmp_path / "config.toml", f"sqlite:///{tmp_path / 'demo.db'}"), clock)
    said = cli("demo", json=False)
    assert said.exit_code == 0
    recorded = "文稿日期 2023年2月16日、发函日期 2023年2月17日、截止时间 2023年2月18日10时"
    assert f"种子材料记载的时间：{recorded}" in said.stdout
    assert NOTICE in said.stdout and "各单位回复时间、采纳决定时间、合法性审查送审与通过时间为示意" in said.stdout


def test_the_demo_letter_is_the_seed_letter(demo_cli: tuple[Cli, int]) -> None:
    cli, rid = demo_cli
    letter = cli.ok("report", "--round", str(rid), "--kind", "letter", "--format", "json")
    assert letter["title"] == (
        "孝义市安全生产委员会办公室关于对《孝义市人民政府关于做好2023年安全生产工作的通知（代拟稿）》征求意见的函"
    )
    assert letter["addressee"] == "各乡镇人民政府、街道办事处，市安委会各有关成员单位："
    assert letter["signature"] == "孝义市人民政府安全生产委员会办公室"
