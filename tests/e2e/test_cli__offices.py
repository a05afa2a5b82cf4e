"""Several offices through the CLI: `init` creates every configured office, `offices add|list`, and every
command acts for `--office CODE` (else the default office) and finds nothing of another office's. On
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kernel.clock import FixedClock
from tests.support.cli import Cli, write_config
from tests.support.offices import COUNTY_FILE, FLOOD_FILE

DRAFT = Path(__file__).resolve().parents[2] / "workflow/demo/data/draft_2023_safety.txt"
SEED_WORDS = ("孝义", "孝安办", "安委", "市直部门")
A_UNITS = "名称,类别,联系人,电话,邮箱\n市应急管理局,市安委会成员单位,甲,1,a@x.cn\n兑镇镇,乡镇（街道）,乙,2,b@x.cn\n"
B_UNITS = "名称,类别,联系人,电话,邮箱\n市应急管理局,市防指成员单位,丙,3,c@x.cn\n市水务局,市防指成员单位,丁,4,d@x.cn\n"


@pytest.fixture
def cli(tmp_path: Path, db_url: str, clock: FixedClock) -> Cli:
    c = Cli(write_config(tmp_path / "config.toml", db_url, profiles=(FLOOD_FILE,)), clock)
    (tmp_path / "a.csv").write_text(A_UNITS, encoding="utf-8")
    (tmp_path / "b.csv").write_text(B_UNITS, encoding="utf-8")
    return c


def _start(cli: Cli, clock: FixedClock, *office: str, number: str) -> int:
    draft = cli.ok("draft", "import", str(DRAFT), "--title", "关于做好2026年汛期工作的通知", *office)
    deadline = (clock.now() + timedelta(days=2)).isoformat()
    started = cli.ok(
        "round",
        "start",
        "--draft",
        str(draft["draft_id"]),
        "--doc-number",
        number,
        "--deadline",
        deadline,
        "--all-units",
        "--contact",
        "张明",
        "--phone",
        "0358-1234567",
        *office,
    )
    return int(started["round_id"])


def test_init_creates_every_configured_office_and_offices_add_brings_another(cli: Cli, tmp_path: Path) -> None:
    made = cli.ok("init")
    assert (
        set(made["offices"]) == {"xiaoyi-safety", "flood-control"}
        and made["office_id"] == made["offices"]["xiaoyi-safety"]
    )
    assert cli.ok("init")["offices"] == made["offices"], "init again changes nothing"
    added = cli.ok("offices", "add", "--profile", str(COUNTY_FILE))
    assert added["code"] == "county-gov" and added["created"]
    listed = {o["code"]: o for o in cli.ok("offices", "list")["offices"]}
    assert list(listed) == ["xiaoyi-safety", "flood-control", "county-gov"]
    assert listed["xiaoyi-safety"]["default"] and listed["county-gov"]["level"] == "县"
    assert listed["county-gov"]["categories"] == ["县直部门", "乡镇"]
    unknown = cli.error("units", "list", "--office", "no-such-office")
    assert unknown["code"] == "OFFICE_NOT_FOUND" and "flood-control" in unknown["message"]


def test_every_command_acts_for_its_office_and_finds_nothing_of_anothers(
    cli: Cli, clock: FixedClock, tmp_path: Path
) -> None:
    cli.ok("init")
    flood = ("--office", "flood-control")
    assert cli.ok("units", "import", str(tmp_path / "a.csv"))["new_categories"] == []
    imported = cli.ok("units", "import", str(tmp_path / "b.csv"), *flood)
    assert imported["created"] == 2 and imported["new_categories"] == ["市防指成员单位"]
    a_units = {u["name"]: u for u in cli.ok("units", "list")["units"]}
    b_units = {u["name"]: u for u in cli.ok("units", "list", *flood)["units"]}
    assert set(a_units) == {"市应急管理局", "兑镇镇"} and set(b_units) == {"市应急管理局", "市水务局"}
    assert b_units["市应急管理局"]["category_label"] == "市防指成员单位"
    assert a_units["市应急管理局"]["id"] != b_units["市应急管理局"]["id"], "one name, a unit in each office"

    round_a = _start(cli, clock, number="孝安办函〔2026〕1号")
    round_b = _start(cli, clock, *flood, number="示防指办函〔2026〕1号")
    assert [r["round_id"] for r in cli.ok("round", "list")] == [round_a]
    assert [r["round_id"] for r in cli.ok("round", "list", *flood)] == [round_b]
    for command in (
        ("status", "--round", str(round_b)),
        ("report", "--round", str(round_b), "--kind", "letter", "--format", "md"),
        ("reply", "--round", str(round_b), "--unit", "市应急管理局", "--no-comments"),
        ("round", "links", "--round", str(round_b)),
        ("withdraw", "--round", str(round_b), "--reason", "撤回"),
    ):
        assert cli.error(*command)["code"] == "ROUND_NOT_FOUND", command
    letter = cli("report", "--round", str(round_b), "--kind", "letter", "--format", "md", *flood, json=False)
    assert letter.exit_code == 0 and "市防指各有关成员单位" in letter.stdout
    assert not [w for w in SEED_WORDS if w in letter.stdout], "the flood office's letter has none of the seed's words"
    assert cli.ok("reply", "--round", str(round_b), "--unit", "市应急管理局", "--no-comments", *flood)

    events_a = cli.ok("audit", "export")["events"]
    assert events_a and {e["round_id"] for e in events_a if e["round_id"]} == {round_a}
    assert cli.ok("audit", "verify")["ok"], "the chain is the server's and verifies whole"

    cli.ok("users", "add", "--username", "fzb", "--name", "防指办", "--role", "staff", "--password", "p" * 12, *flood)
    assert "fzb" not in [u["username"] for u in cli.ok("users", "list")["users"]]
    assert "fzb" in [u["username"] for u in cli.ok("users", "list", *flood)["users"]]
