"""The measures table (整改措施表) as the seed writes it, and its faults reported instead of imported silently."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import Workbook

from kernel.errors import InvalidInput
from tests.support.tracking import MEASURES_SEED
from workflow.parsing.measures_file import parse_measures_file

SEED = parse_measures_file("措施表.txt", MEASURES_SEED.read_bytes())


def codes(row: int) -> set[str]:
    return {p.code for p in SEED.problems if p.row == row}


def test_the_seed_reads_as_six_problems_in_four_categories() -> None:
    assert [(r.category[:3], r.problem_number, len(r.measures)) for r in SEED.rows] == [
        ("（一）", 1, 3),
        ("（一）", 2, 1),
        ("（二）", 1, 1),
        ("（二）", 2, 1),
        ("（三）", 1, 4),
        ("（四）", 1, 3),
    ]
    assert SEED.title == "关于国务院2023年度省级政府安全生产和消防工作考核巡查情况反馈意见举一反三整改措施表"


def test_each_problem_keeps_its_measures_units_and_due_date() -> None:
    first, second, ebike = SEED.rows[0], SEED.rows[1], SEED.rows[2]
    assert first.problem.startswith("在学习贯彻习近平总书记关于安全生产重要论述")
    assert [n for n, _ in first.measures] == [1, 2, 3]
    assert first.measures[1][1] == "将二十大关于安全生产有关要求纳入市政府 1 号文件进行安排部署。"
    assert (first.city, first.due_text) == ("各级党委、政府及各级安委会成员单位及其主要负责人", "10月底")
    assert second.problem.startswith("另一方面职能交叉领域的监管职责没有完全厘清")
    assert (second.city, second.due_text) == ("各行业领域专业委员会办公室及其主要负责人", "11月底")
    assert ebike.provincial == "市政府、省住建厅及其主要负责人"
    assert ebike.city == "市县人民政府、市住建局及其主要负责人"


def test_the_footnote_defines_the_supervising_departments_group() -> None:
    members = SEED.groups["负有安全监管职责的部门"]
    assert len(members) == 20 and members[0] == "农业农村" and members[-1] == "体育"
    assert "发改（粮食和物资储备）" in members


def test_the_due_date_column_headed_完成事项_is_reported() -> None:
    [header] = [p for p in SEED.problems if p.row == 0]
    assert (header.column, header.code) == ("完成事项", "HEADER_CONTENT_MISMATCH")


def test_progress_column_repeating_the_responsible_unit_is_reported_and_not_imported() -> None:
    assert "PROGRESS_REPEATS_UNITS" in codes(1) and "PROGRESS_REPEATS_UNITS" in codes(2)
    assert all(r.progress == "" for r in SEED.rows)


def test_measures_pasted_into_the_problem_column_are_reported_and_taken_out() -> None:
    assert "PROBLEM_HOLDS_MEASURES" in codes(1) and "PROBLEM_HOLDS_MEASURES" in codes(4)
    assert "将二十大" not in SEED.rows[0].problem


def test_实质负责人_for_主要负责人_and_cells_holding_two_columns_are_reported() -> None:
    assert "PERSON_TYPO" in codes(5) and "PERSON_TYPO" in codes(6)
    assert "CELLS_MERGED" in codes(2) and "CELLS_MERGED" in codes(3)
    assert "MEASURE_NUMBER_REPEATED" in codes(6)


MD = """# 整改措施表

| 问题类别 | 具体问题 | 整改措施 | 省责任单位及责任人 | 市责任单位及责任人 | 完成时限 | 当月工作开展情况 |
|---|---|---|---|---|---|---|
| （一）责任落实 | 1. 责任不清。 | 1. 厘清职责。<br>2. 建立清单。 | 省应急厅 | 市水利局牵头，市应急管理局配合 | 年内 | |
"""


def test_a_markdown_table_reads_the_same_way() -> None:
    table = parse_measures_file("措施表.md", MD.encode("utf-8"))
    [row] = table.rows
    assert (row.category, row.problem, row.due_text) == ("（一）责任落实", "责任不清。", "年内")
    assert row.measures == ((1, "厘清职责。"), (2, "建立清单。"))
    assert row.city == "市水利局牵头，市应急管理局配合"
    assert not [p for p in table.problems if p.code != "DUE_MISSING"]


HEADERS = [
    "问题类别",
    "具体问题",
    "整改措施",
    "省责任单位及责任人",
    "市责任单位及责任人",
    "完成时限",
    "当月工作开展情况",
]
ROW = ["（一）责任落实", "1. 责任不清。", "1. 厘清职责。", "省应急厅", "市住建局", "10月底", "市住建局"]


def test_a_spreadsheet_reads_by_its_headers_and_is_checked_too() -> None:
    book = Workbook()
    book.active.append(HEADERS)
    book.active.append(ROW)
    buf = io.BytesIO()
    book.save(buf)
    table = parse_measures_file("措施表.xlsx", buf.getvalue())
    assert [(r.problem, r.city, r.due_text) for r in table.rows] == [("责任不清。", "市住建局", "10月底")]
    assert [p.code for p in table.problems] == ["PROGRESS_REPEATS_UNITS"]


def test_a_word_table_reads_by_its_headers() -> None:
    doc = Document()
    doc.add_paragraph("整改措施表")
    grid = doc.add_table(rows=2, cols=7)
    for i, text in enumerate(HEADERS):
        grid.rows[0].cells[i].text = text
    for i, text in enumerate([*ROW[:-1], ""]):
        grid.rows[1].cells[i].text = text
    buf = io.BytesIO()
    doc.save(buf)
    table = parse_measures_file("措施表.docx", buf.getvalue())
    assert [(r.category, r.measures, r.due_text) for r in table.rows] == [
        ("（一）责任落实", ((1, "厘清职责。"),), "10月底")
    ]


def test_a_file_without_the_tables_header_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_measures_file("x.txt", "只有一段文字".encode())
    assert err.value.code == "MEASURES_HEADER_MISSING"
