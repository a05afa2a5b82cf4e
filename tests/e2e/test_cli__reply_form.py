"""A unit's filled-in Word 回复表 is read back into its reply: no retyping, and the file is kept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document

from kernel.clock import FixedClock
from storage.db import make_engine
from tests.e2e.test_cli__journey import DRAFT, UNITS_CSV
from tests.support.cli import Cli, table_counts, write_config


@pytest.fixture
def world(tmp_path: Path, db_url: str, clock: FixedClock) -> tuple[Cli, str]:
    cli = Cli(write_config(tmp_path / "config.toml", db_url), clock)
    cli.ok("init")
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    cli.ok("units", "import", str(tmp_path / "units.csv"))
    draft = cli.ok("draft", "import", str(DRAFT), "--title", "关于做好安全生产工作的通知", "--issuer", "孝义市人民政府")
    started = cli.ok(
        "round", "start", "--draft", str(draft["draft_id"]), "--doc-number", "孝安办函〔2023〕1号",
        "--deadline", (clock.now() + timedelta(days=2)).isoformat(),
        "--category", "市安委会成员单位", "--contact", "赵健", "--phone", "18335877837",
    )  # fmt: skip
    return cli, str(started["round_id"])


def _blank_form(cli: Cli, rid: str, unit: str, tmp_path: Path) -> Path:
    path = tmp_path / f"回复表-{unit}.docx"
    cli.ok("report", "--round", rid, "--kind", "reply-form", "--unit", unit, "--format", "docx", "--output", str(path))
    return path


def _fill(
    path: Path, rows: list[tuple[str, str, str, str]] | None = None, no_comments: bool = False, unit: str = ""
) -> Path:
    doc = Document(str(path))
    if unit:  # the unit wrote its full official name over the printed one
        next(p for p in doc.paragraphs if p.text.startswith("单位名称")).text = f"单位名称（盖章）：{unit}"
    table = next(t for t in doc.tables if "修改意见" in t.rows[0].cells[2].text)
    for row, values in zip(table.rows[1:], rows or [], strict=False):
        for cell, value in zip(row.cells[1:], values, strict=True):
            cell.text = value
    if no_comments:
        para = next(p for p in doc.paragraphs if p.text.startswith("如无修改意见"))
        para.text = "如无修改意见，请在此注明“无修改意见”：无修改意见"
    doc.save(str(path))
    return path


def test_comments_are_read_from_the_returned_form(world: tuple[Cli, str], tmp_path: Path) -> None:
    cli, rid = world
    form = _fill(
        _blank_form(cli, rid, "交通运输局", tmp_path),
        [
            ("序号8 交通运输", "建议增加“进一步强化邮递行业安全监管”。", "省交通运输厅年度重点工作", "补充监管空白"),
            ("序号12", "建议推动乡镇设立消防安全管理中心。", "", ""),
        ],
    )
    stored = cli.ok("reply", "--round", rid, "--unit", "交通局", "--form", str(form), "--sealed")
    assert stored["late"] is False and stored["state"] == "with_comments"
    status = cli.ok("status", "--round", rid)
    mine = [(c["target"], c["text"]) for c in status["comments"] if c["unit"] == "交通运输局"]
    assert mine == [
        ("序号8 交通运输", "建议增加“进一步强化邮递行业安全监管”。"),
        ("序号12", "建议推动乡镇设立消防安全管理中心。"),
    ]
    assert {r["unit"]: r["channel"] for r in status["recipients"]}["交通运输局"] == "email"
    event = [e for e in cli.ok("audit", "export", "--format", "json")["events"] if e["action"] == "reply.submitted"][-1]
    assert event["payload"]["comments"] == 2 and len(event["payload"]["attachment_sha256"]) == 64

    declared = _fill(_blank_form(cli, rid, "市城管局", tmp_path), no_comments=True, unit="孝义市城市管理局")
    assert cli.ok("reply", "--round", rid, "--unit", "市城管局", "--form", str(declared))["state"] == "no_comments"


def test_a_wrong_or_unreadable_form_changes_nothing(world: tuple[Cli, str], tmp_path: Path, db_url: str) -> None:
    cli, rid = world
    engine = make_engine(db_url)
    before = table_counts(engine)
    others = _fill(_blank_form(cli, rid, "住建局", tmp_path), [("序号3", "意见", "", "")])
    mismatch = cli.error("reply", "--round", rid, "--unit", "交通运输局", "--form", str(others))
    assert mismatch["code"] == "REPLY_FORM_UNIT_MISMATCH" and "住建局" in mismatch["message"]
    empty = cli.error(
        "reply", "--round", rid, "--unit", "住建局", "--form", str(_blank_form(cli, rid, "住建局", tmp_path))
    )
    assert empty["code"] == "COMMENTS_EMPTY"
    half = _fill(_blank_form(cli, rid, "住建局", tmp_path), [("序号3", "", "依据", "")])
    assert (
        cli.error("reply", "--round", rid, "--unit", "住建局", "--form", str(half))["code"] == "REPLY_FORM_ROW_INVALID"
    )
    both = _fill(_blank_form(cli, rid, "住建局", tmp_path), [("序号3", "意见", "", "")], no_comments=True)
    assert cli.error("reply", "--round", rid, "--unit", "住建局", "--form", str(both))["code"] == "REPLY_KIND_CONFLICT"
    (tmp_path / "not.docx").write_bytes(b"this is not a word file")
    bad = cli.error("reply", "--round", rid, "--unit", "住建局", "--form", str(tmp_path / "not.docx"))
    assert bad["code"] == "REPLY_FORM_UNREADABLE"
    assert (
        cli.error("reply", "--round", rid, "--unit", "住建局", "--form", str(both), "--no-comments")["code"]
        == "REPLY_KIND_REQUIRED"
    )
    assert table_counts(engine) == before
    engine.dispose()
