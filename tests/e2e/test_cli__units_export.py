"""The unit directory exported to CSV/XLSX imports back unchanged (edit in Excel, import again)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kernel.clock import FixedClock
from tests.e2e.test_cli__journey import UNITS_CSV
from tests.support.cli import Cli, write_config


@pytest.fixture
def cli(tmp_path: Path, db_url: str, clock: FixedClock) -> Cli:
    c = Cli(write_config(tmp_path / "config.toml", db_url), clock)
    c.ok("init")
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    c.ok("units", "import", str(tmp_path / "units.csv"))
    return c


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(cli: Cli, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"单位名录.{suffix}"
    assert cli.ok("units", "export", "--output", str(out)) == {"output": str(out), "units": 7}
    again = cli.ok("units", "import", str(out))
    assert again == {"created": 0, "updated": 0, "unchanged": 7, "new_categories": []}


def test_an_edit_in_the_spreadsheet_comes_back(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "单位名录.xlsx"
    cli.ok("units", "export", "--output", str(out))
    book = load_workbook(io.BytesIO(out.read_bytes()))
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header == ["名称", "类别", "别名", "联系人", "电话", "邮箱", "webhook"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "交通运输局")
    assert row[1].value == "市安委会成员单位" and row[2].value == "交通局；市交通局"
    row[3].value = "孙科长"
    book.save(str(out))
    assert cli.ok("units", "import", str(out)) == {"created": 0, "updated": 1, "unchanged": 6, "new_categories": []}
    units = {u["name"]: u for u in cli.ok("units", "list")["units"]}
    assert units["交通运输局"]["contact"] == "孙科长" and units["交通运输局"]["aliases"] == ["交通局", "市交通局"]
    assert cli.error("units", "export", "--output", str(tmp_path / "x.pdf"))["code"] == "UNITS_FORMAT_UNSUPPORTED"
