"""Deadline changes, working-day deadlines, status visibility and `scheduler --once`, via the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kernel.clock import FixedClock
from storage.db import make_engine
from tests.e2e.test_cli__journey import DRAFT, UNITS_CSV
from tests.support.cli import Cli, table_counts, write_config

NOW = datetime(2026, 9, 28, 2, 0, tzinfo=UTC)  # 2026-09-28 10:00 Beijing, before National Day


@pytest.fixture
def cli(tmp_path: Path, db_url: str) -> Cli:
    c = Cli(write_config(tmp_path / "config.toml", db_url), FixedClock(NOW))
    c.ok("init")
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    c.ok("units", "import", str(tmp_path / "units.csv"))
    c.ok("draft", "import", str(DRAFT), "--title", "关于做好安全生产工作的通知", "--issuer", "孝义市人民政府")
    return c


def _start(cli: Cli, *deadline: str) -> str:
    started = cli.ok(
        "round",
        "start",
        "--draft",
        "1",
        "--doc-number",
        "孝安办函〔2026〕9号",
        *deadline,
        "--unit",
        "交通局",
        "--unit",
        "住建局",
        "--contact",
        "赵健",
        "--phone",
        "18335877837",
    )
    return str(started["round_id"])


def test_a_deadline_typed_as_a_chinese_date_falls_at_the_deadline_hour(cli: Cli) -> None:
    rid = _start(cli, "--deadline", "2026年9月29日")
    assert cli.ok("status", "--round", rid)["next_actions"][-1]["at"] == "2026-09-29T17:00:00+08:00"
    moved = cli.ok("round", "deadline", "--round", rid, "--deadline", "2026年9月30日10时", "--reason", "顺延")
    assert moved["deadline"] == "2026-09-30T10:00:00+08:00"
    bad = cli.error("round", "deadline", "--round", rid, "--deadline", "下周一", "--reason", "顺延")
    assert bad["code"] == "DATETIME_INVALID" and "2023年2月18日10时" in bad["message"]


def test_workdays_deadline_skips_national_day(cli: Cli) -> None:
    rid = _start(cli, "--workdays", "3")
    assert cli.ok("status", "--round", rid)["round"]["deadline"] == "2026-10-08T17:00:00+08:00"
    assert cli.ok("workdays", "--from", "2026-09-30", "--add", "3")["date"] == "2026-10-10"


def test_unknown_year_fails_clearly(cli: Cli, db_url: str) -> None:
    engine = make_engine(db_url)
    before = table_counts(engine)
    err = cli.error("workdays", "--from", "2026-12-30", "--add", "5")
    assert err["code"] == "CALENDAR_YEAR_UNKNOWN" and "2027" in err["message"]
    assert cli.error("workdays", "--from", "2026-09-30", "--add", "-1")["code"] == "WORKDAYS_INVALID"
    cli.clock.set(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    assert (
        cli.error(
            "round",
            "start",
            "--draft",
            "1",
            "--doc-number",
            "孝安办函〔2026〕9号",
            "--workdays",
            "5",
            "--unit",
            "交通局",
            "--contact",
            "赵健",
            "--phone",
            "1",
        )["code"]
        == "CALENDAR_YEAR_UNKNOWN"
    )
    assert table_counts(engine) == before
    engine.dispose()


def test_extend_and_bring_forward_then_closed_round_cannot_change(cli: Cli, db_url: str) -> None:
    rid = _start(cli, "--deadline", "2026-09-29T17:00")
    status = cli.ok("status", "--round", rid)
    assert [a["kind"] for a in status["next_actions"]] == ["reminder", "reminder", "deadline"]
    assert status["next_actions"][-1]["at"] == "2026-09-29T17:00:00+08:00"
    overview = cli.ok("status")["open_rounds"]
    assert [(o["doc_number"], o["next_actions"][0]["kind"]) for o in overview] == [("孝安办函〔2026〕9号", "reminder")]
    assert "下一步：截止前24小时提醒未回复单位" in cli("status", json=False).stdout
    assert (
        cli.error("round", "deadline", "--round", rid, "--deadline", "2026-10-09T17:00", "--reason", " ")["code"]
        == "DEADLINE_REASON_REQUIRED"
    )
    changed = cli.ok("round", "deadline", "--round", rid, "--deadline", "2026-10-09T17:00", "--reason", "国庆假期顺延")
    assert changed["deadline"] == "2026-10-09T17:00:00+08:00"
    cli.ok("round", "deadline", "--round", rid, "--deadline", "2026-09-30T12:00", "--reason", "上级要求提前报送")
    assert (
        cli.error("round", "deadline", "--round", rid, "--deadline", "2026-09-01T12:00", "--reason", "x")["code"]
        == "DEADLINE_IN_PAST"
    )
    events = cli.ok("audit", "export", "--round", rid, "--format", "json")["events"]
    changes = [e["payload"] for e in events if e["action"] == "round.deadline_changed"]
    assert [c["direction"] for c in changes] == ["extended", "brought_forward"]
    assert changes[0]["reason"] == "国庆假期顺延"
    deliveries = cli.ok("status", "--round", rid)["deliveries"]
    assert sorted(d["kind"] for d in deliveries) == ["deadline_changed"] * 2 * 2 + ["solicitation"] * 2
    assert {d["unit"] for d in deliveries if d["status"] == "undeliverable"} == {"住建局"}

    assert cli.ok("status")["problems"] == []
    cli.clock.set(datetime(2026, 9, 30, 4, 5, tzinfo=UTC))  # type: ignore[attr-defined]
    # the 12:00 (Beijing) deadline passed five minutes ago and nothing enforced it: the overview says so
    assert any("截止时间调度器可能未运行" in p for p in cli.ok("status")["problems"])
    assert "注意：有 1 轮征求意见已过截止时间仍未执行截止" in cli("status", json=False).stdout
    once = cli.ok("scheduler", "--once")
    assert once == {"enforced_rounds": 1, "deemed_no_objection": 2}
    err = cli.error("round", "deadline", "--round", rid, "--deadline", "2026-10-20T17:00", "--reason", "再延期")
    assert err["code"] == "TRANSITION_FORBIDDEN"
    assert cli.ok("status", "--round", rid)["next_actions"] == []
    assert cli.ok("audit", "verify")["ok"] is True


def test_scheduler_once_sends_due_reminders_once(cli: Cli) -> None:
    rid = _start(cli, "--deadline", "2026-09-29T17:00")
    cli.clock.set(datetime(2026, 9, 28, 10, 0, tzinfo=UTC))  # type: ignore[attr-defined]  (23 h before)
    assert cli.ok("scheduler", "--once")["enforced_rounds"] == 0
    cli.ok("scheduler", "--once")
    deliveries = cli.ok("status", "--round", rid)["deliveries"]
    assert sorted(d["kind"] for d in deliveries) == ["reminder", "reminder", "solicitation", "solicitation"]
    assert [d["status"] for d in deliveries if d["unit"] == "交通运输局"] == ["sent", "sent"]  # console channel


def test_withdrawing_a_draft_closes_its_round_without_deeming_anyone(cli: Cli, db_url: str) -> None:
    rid = _start(cli, "--deadline", "2026-09-29T17:00")
    engine = make_engine(db_url)
    before = table_counts(engine)
    assert cli.error("withdraw", "--round", rid, "--reason", " ")["code"] == "WITHDRAW_REASON_REQUIRED"
    assert table_counts(engine) == before
    engine.dispose()
    assert cli.ok("withdraw", "--round", rid, "--reason", "上级文件调整，另行起草")["state"] == "withdrawn"
    status = cli.ok("status", "--round", rid)
    assert status["round"]["state"] == "withdrawn" and status["round"]["draft_state"] == "withdrawn"
    assert [d["kind"] for d in status["deliveries"]].count("withdrawn") == 2
    assert cli.error("reply", "--round", rid, "--unit", "交通局", "--no-comments")["code"] == "ROUND_CLOSED_FOR_REPLIES"
    cli.clock.set(datetime(2026, 9, 30, 4, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    assert cli.ok("sweep") == {"enforced_rounds": 0, "deemed_no_objection": 0}
    assert {r["state"] for r in cli.ok("status", "--round", rid)["recipients"]} == {"pending"}
    assert cli.error("withdraw", "--round", rid, "--reason", "再撤一次")["code"] == "TRANSITION_FORBIDDEN"
    assert cli.ok("audit", "verify")["ok"] is True


def test_human_status_shows_what_was_sent_per_unit(cli: Cli) -> None:
    rid = _start(cli, "--deadline", "2026-09-29T17:00")
    cli.ok("reply", "--round", rid, "--unit", "交通局", "--no-comments", "--channel", "email")
    cli.ok("scheduler", "--once")  # runs the relay too (console channel in tests)
    text = cli("status", "--round", rid, json=False).stdout
    assert "交通运输局  无修改意见  消息：征求意见通知已送达" in text
    assert "住建局  待回复  消息：征求意见通知无法发送" in text
    assert "单位未登记邮箱或 webhook 地址" in text
    data = cli.ok("status", "--round", rid)
    assert {r["unit"]: r["channel"] for r in data["recipients"]} == {"交通运输局": "email", "住建局": None}
