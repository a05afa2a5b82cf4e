"""The units' progress links through the CLI: `progress links` lists them, `progress revoke-link` kills one
(and by default sends a new one), `--no-reissue` leaves it dead until `progress reissue-link`; a unit
reporting late through `progress reply` is kept as 逾期报送 and `progress status` still counts it 未报送."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kernel.clock import FixedClock
from tests.support.cli import Cli, write_config
from tests.support.tracking import SMALL_MEASURES

UNITS_CSV = """名称,类别,别名,联系人,电话,邮箱,webhook
市水利局,市安委会成员单位,水利局,王科,0358-7600011,slj@xiaoyi.example.cn,
市气象局,市安委会成员单位,气象局,李科,0358-7600012,qxj@xiaoyi.example.cn,
市住建局,市安委会成员单位,住建局,张科,0358-7600003,zjj@xiaoyi.example.cn,
"""


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 10, 8, 1, 0, tzinfo=UTC))


@pytest.fixture
def cli(tmp_path: Path, db_url: str, clock: FixedClock) -> Cli:
    c = Cli(write_config(tmp_path / "config.toml", db_url), clock)
    assert c("init").exit_code == 0
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    c.ok("units", "import", str(tmp_path / "units.csv"))
    (tmp_path / "t.md").write_text(SMALL_MEASURES, encoding="utf-8")
    c.ok("tasks", "import", str(tmp_path / "t.md"), "--date", "2024-06-01")
    return c


def test_listing_revoking_and_reissuing_progress_links(cli: Cli) -> None:
    rid = str(cli.ok("progress", "start", "--month", "2024-10")["round_id"])
    before = {x["unit"]: x for x in cli.ok("progress", "links", "--round", rid)}
    assert set(before) == {"市水利局", "市气象局", "市住建局"} and before["市水利局"]["state"] == "pending"

    new = cli.ok("progress", "revoke-link", "--round", rid, "--unit", "水利局")
    assert new["reissued"] is True and new["url"] != before["市水利局"]["url"]
    after = {x["unit"]: x["url"] for x in cli.ok("progress", "links", "--round", rid)}
    assert after["市水利局"] == new["url"] and after["市住建局"] == before["市住建局"]["url"]

    dead = cli.ok("progress", "revoke-link", "--round", rid, "--unit", "市水利局", "--no-reissue")
    assert dead["url"] is None
    assert {x["unit"]: x["url"] for x in cli.ok("progress", "links", "--round", rid)}["市水利局"] is None
    assert "（链接已撤销）" in cli("progress", "links", "--round", rid, json=False).stdout
    again = cli.error("progress", "revoke-link", "--round", rid, "--unit", "市水利局", "--no-reissue")
    assert again["code"] == "PROGRESS_LINK_ALREADY_REVOKED"
    fresh = cli.ok("progress", "reissue-link", "--round", rid, "--unit", "市水利局")
    assert {x["unit"]: x["url"] for x in cli.ok("progress", "links", "--round", rid)}["市水利局"] == fresh["url"]

    events = [e["action"] for e in cli.ok("audit", "export", "--format", "json")["events"]]
    assert [a for a in events if a.startswith("progress_link.")] == [
        "progress_link.revoked",
        "progress_link.revoked",
        "progress_link.reissued",
    ]
    assert cli.error("progress", "links", "--round", "99")["code"] == "PROGRESS_ROUND_NOT_FOUND"


def test_a_late_reply_entered_by_staff_is_kept_late(cli: Cli, clock: FixedClock, tmp_path: Path) -> None:
    rid = str(cli.ok("progress", "start", "--month", "2024-10")["round_id"])
    housing = [i["id"] for i in cli.ok("tasks", "list", "--unit", "市住建局")]
    answer = tmp_path / "p.json"
    answer.write_text(
        json.dumps(
            {"items": [{"item_id": i, "status": "推进中", "text": "补报"} for i in housing]}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    clock.advance(timedelta(days=18))
    assert cli.ok("progress", "sweep")["not_reported"] == 3
    replied = cli.ok("progress", "reply", "--round", rid, "--unit", "市住建局", "--file", str(answer))
    assert replied["state"] == "reported_late"
    status = cli.ok("progress", "status", "--month", "2024-10")
    assert "市住建局" in status["units"]["not_reported"]
    assert [x["unit"] for x in status["units"]["reported_late"]] == ["市住建局"]
