"""Tracking through the CLI: the seed's measures table imported, units mapped, a month's progress
collected (one unit silent), an item signed off, and the documents."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kernel.clock import FixedClock
from tests.support.cli import Cli, write_config
from tests.support.tracking import MEASURES_SEED

UNITS_CSV = """名称,类别,别名,联系人,电话,邮箱,webhook
住建局,市安委会成员单位,市住建局,张科,0358-7600003,zjj@xiaoyi.example.cn,
市消防救援大队,市安委会成员单位,消防救援大队,王队,0358-7600001,xfjy@xiaoyi.example.cn,
农业农村局,市安委会成员单位,市农业农村局,李科,0358-7600015,nyncj@xiaoyi.example.cn,
市人民政府办公室,市直部门,市政府办,刘科,0358-7600200,zfb@xiaoyi.example.cn,
"""


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 6, 1, 1, 0, tzinfo=UTC))


@pytest.fixture
def cli(tmp_path: Path, db_url: str, clock: FixedClock) -> Cli:
    config = write_config(tmp_path / "config.toml", db_url, "\n[progress]\ndue_day = 25\n")
    c = Cli(config, clock)
    assert c("init").exit_code == 0
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    c.ok("units", "import", str(tmp_path / "units.csv"))
    return c


def test_measures_table_to_a_signed_off_item(cli: Cli, clock: FixedClock, tmp_path: Path) -> None:
    assert cli.error("tasks", "import", str(MEASURES_SEED))["code"] == "MEASURES_DATE_REQUIRED"
    imported = cli.ok("tasks", "import", str(MEASURES_SEED), "--date", "2024-06-01")
    assert imported["imported"] == 13 and len(imported["items"]) == 13
    assert {i["due"] for i in imported["items"]} == {"2024-10-31", "2024-11-30"}
    assert {"HEADER_CONTENT_MISMATCH", "PROGRESS_REPEATS_UNITS"} <= {p["code"] for p in imported["problems"]}

    mapped = cli.ok("tasks", "map-unit", "市县人民政府", "--unit", "市人民政府办公室")
    assert mapped["unit"] == "市人民政府办公室" and mapped["items_updated"] == 2
    listed = cli.ok("tasks", "list", "--unit", "市人民政府办公室")
    assert [set(i) for i in listed] == [
        {"id", "category", "problem", "measure", "units", "due", "status", "overdue"}
    ] * 2
    assert listed[0]["units"] == ["住建局", "市人民政府办公室"] and listed[0]["overdue"] is False

    clock.set(datetime(2024, 10, 8, 1, 0, tzinfo=UTC))
    started = cli.ok("progress", "start", "--month", "2024-10")
    assert started["due"] == "2024-10-25T09:00:00+00:00", "the 25th at 17:00 Beijing time"
    assert "住建局" in started["units"] and started["links"]["住建局"].startswith("http")
    ebike = listed[0]["id"]
    housing_items = [i["id"] for i in cli.ok("tasks", "list", "--unit", "住建局")]
    answer = tmp_path / "progress.json"
    (tmp_path / "照片.jpg").write_bytes(b"\xff\xd8 photo")
    answer.write_text(
        json.dumps(
            {
                "items": [
                    {
                        "item_id": i,
                        "status": "已完成" if i == ebike else "推进中",
                        "text": "按计划推进",
                        "evidence": ["照片.jpg"] if i == ebike else [],
                    }
                    for i in housing_items
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    replied = cli.ok(
        "progress", "reply", "--round", str(started["round_id"]), "--unit", "住建局", "--file", str(answer)
    )
    assert replied["state"] == "reported" and replied["items"] == len(housing_items)

    clock.advance(timedelta(days=18))
    swept = cli.ok("progress", "sweep")
    assert swept["rounds"] == 1 and swept["not_reported"] == len(started["units"]) - 1
    assert cli.ok("progress", "sweep")["not_reported"] == 0
    status = cli.ok("progress", "status", "--month", "2024-10")
    assert status["units"]["reported"] == ["住建局"] and "市消防救援大队" in status["units"]["not_reported"]

    (tmp_path / "验收.pdf").write_bytes(b"%PDF-1.4")
    assert (
        cli.ok("tasks", "close", "--item", str(ebike), "--evidence", str(tmp_path / "验收.pdf"))["status"] == "closed"
    )
    clock.set(datetime(2024, 11, 2, 1, 0, tzinfo=UTC))
    overdue = cli.ok("tasks", "list", "--overdue")
    assert ebike not in {i["id"] for i in overdue} and all(i["due"] == "2024-10-31" for i in overdue)

    out = tmp_path / "措施表.xlsx"
    cli.ok("report", "--kind", "measures", "--format", "xlsx", "--month", "2024-10", "--output", str(out))
    sheet = load_workbook(out).active
    progress = {row[1].value: row[6].value for row in sheet.iter_rows(min_row=2)}
    ebike_row = next(v for k, v in progress.items() if k and k.startswith("电动自行车充电隐患"))
    assert ebike_row.startswith("【已销号】") and "住建局：已完成。按计划推进" in ebike_row
    docx = tmp_path / "通报.docx"
    cli.ok("report", "--kind", "progress-summary", "--format", "docx", "--month", "2024-10", "--output", str(docx))
    body = zipfile.ZipFile(io.BytesIO(docx.read_bytes())).read("word/document.xml").decode("utf-8")
    assert "2024年10月重点任务推进情况通报" in body and "未报送" in body
    assert cli.error("report", "--kind", "adoption")["code"] == "ROUND_REQUIRED"
