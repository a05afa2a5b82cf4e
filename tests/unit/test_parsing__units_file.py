"""Unit directory files: CSV and XLSX, English or Chinese headers, aliases, and refusals."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from kernel.errors import InvalidInput
from workflow.parsing.units_file import UnitRecord, parse_units_file

CHINESE = (
    "名称,类别,别名,联系人,电话,邮箱,webhook\n"
    "交通运输局,市安委会成员单位,交通局；市交通局;交通运输,李科,0358-1,jt@x.cn,\n"
)


def test_chinese_headers_and_both_alias_separators() -> None:
    [unit] = parse_units_file("units.csv", CHINESE.encode("utf-8"))
    assert unit == UnitRecord(
        "交通运输局", "市安委会成员单位", ("交通局", "市交通局", "交通运输"), "李科", "0358-1", "jt@x.cn", ""
    )


def test_english_headers_in_any_order_with_optional_columns_missing() -> None:
    text = "category,name,email\n乡镇（街道）,兑镇镇,dzz@x.cn\n"
    assert parse_units_file("u.csv", text.encode("gb18030")) == [
        UnitRecord("兑镇镇", "乡镇（街道）", (), "", "", "dzz@x.cn", "")
    ]


def test_xlsx() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "类别", "别名", "联系人", "电话", "电子邮箱", "Webhook"])
    sheet.append(["市司法局", "市直部门", "司法局", "周股长", 75600100, "sfj@x.cn", "https://example.cn/hook"])
    buf = io.BytesIO()
    book.save(buf)
    [unit] = parse_units_file("名录.xlsx", buf.getvalue())
    assert unit.name == "市司法局" and unit.aliases == ("司法局",) and unit.phone == "75600100"
    assert unit.webhook == "https://example.cn/hook"


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("u.csv", "类别,别名\n市直部门,x\n", "UNITS_HEADER_INVALID"),
        ("u.csv", "名称,颜色\n甲,红\n", "UNITS_HEADER_INVALID"),
        ("u.csv", "名称,类别\n甲,市直部门\n,市直部门\n", "UNITS_ROW_INVALID"),
        ("u.csv", "名称,类别\n甲,市直部门\n甲,市直部门\n", "UNITS_DUPLICATE"),
        ("u.csv", "", "UNITS_EMPTY"),
        ("u.json", "[]", "UNITS_FORMAT_UNSUPPORTED"),
        ("u.xlsx", "not a workbook", "UNITS_FORMAT_UNSUPPORTED"),
    ],
)
def test_refusals_name_the_problem(name: str, text: str, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_units_file(name, text.encode("utf-8"))
    assert err.value.code == code
    if code == "UNITS_ROW_INVALID":
        assert "第3行" in err.value.message
