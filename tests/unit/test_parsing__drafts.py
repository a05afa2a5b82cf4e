"""Draft parsing: the seed's tab-separated table (with page-break splits), Markdown and Word."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kernel.errors import InvalidInput
from tests.fixtures.seed_docx import write_seed_docx
from workflow.parsing.draft_docx import parse_draft_docx
from workflow.parsing.draft_file import parse_draft_file
from workflow.parsing.draft_markdown import parse_draft_markdown
from workflow.parsing.draft_text import parse_draft_text

SEED = Path(__file__).resolve().parents[2].parent / "shared/seeds/001_c1ac97b6e5be714b.txt"
PACKAGED = Path(__file__).resolve().parents[2] / "workflow/demo/data/draft_2023_safety.txt"


@pytest.fixture(scope="module")
def seed_text() -> str:
    return (SEED if SEED.exists() else PACKAGED).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed(seed_text: str):  # type: ignore[no-untyped-def]
    return parse_draft_text(seed_text)


def test_whole_seed_letter_yields_the_29_tasks(parsed) -> None:  # type: ignore[no-untyped-def]
    assert parsed.task_count == 29
    assert [t.number for t in parsed.tasks] == list(range(1, 30))
    assert parsed.task(1).title == "加强理论学习"
    assert parsed.task(8).title == "深化重点行业领域专项整治"
    assert parsed.task(15).title == "强化宣传培训"
    assert parsed.task(29).title == "强化督查通报"
    assert parsed.title == "孝义市人民政府关于做好2023年安全生产工作的通知（讨论稿）"


def test_packaged_draft_parses_the_same(parsed) -> None:  # type: ignore[no-untyped-def]
    assert parse_draft_text(PACKAGED.read_text(encoding="utf-8")).tasks == parsed.tasks


def test_sector_paragraphs_and_sub_items(parsed) -> None:  # type: ignore[no-untyped-def]
    assert [i.label for i in parsed.task(8).items] == [
        "煤矿",
        "非煤矿山",
        "危险化学品",
        "冶金工贸",
        "交通运输",
        "建筑施工",
        "经营性自建房",
        "燃气",
        "消防",
        "特种设备",
        "文化旅游",
        "矿产资源",
        "其它",
    ]
    assert [i.label for i in parsed.task(10).items] == ["森林火灾", "水旱灾害", "地震灾害", "地质灾害", "气象灾害"]
    assert [i.label for i in parsed.task(4).items] == ["(1)", "(2)", "(3)", "(4)"]
    assert [i.label for i in parsed.task(15).items] == ["(1)", ""]
    assert parsed.task(15).items[1].content.startswith("强化与市委组织部")
    assert parsed.task(24).items[0].label == ""


def test_page_break_continuations_are_joined(parsed) -> None:  # type: ignore[no-untyped-def]
    item = parsed.task(5).items[1]
    assert item.content.endswith("每月至少两次深入基层或企业,检查指导安全生产工作。")
    assert item.responsible == "市直有关部门"
    fire = parsed.task(8).items[8]
    assert fire.content.endswith(
        "占用堵塞消防车通道等突出问题。分批分类完成全市高层公共建筑消防安全评估和高层民用建筑消防安全管理达标建设任务。"
    )
    assert "市市场监管局、市交通局等部门" in fire.responsible
    assert fire.responsible.endswith("各有关乡镇（街道）配合")
    assert parsed.task(8).items[1].content.endswith("管理经营“五统一”。")
    assert "<p>" not in parsed.task(8).items[2].content


def test_parts_of_the_body(parsed) -> None:  # type: ignore[no-untyped-def]
    assert [(p.ordinal, p.task_numbers[0], p.task_numbers[-1]) for p in parsed.parts] == [
        ("一", 1, 3),
        ("二", 4, 7),
        ("三", 8, 8),
        ("四", 9, 11),
        ("五", 12, 15),
        ("六", 16, 20),
        ("七", 21, 25),
        ("八", 26, 29),
    ]
    assert parsed.parts[0].heading == "提高政治站位，树牢安全发展理念"


def test_reply_form_does_not_leak_into_the_table(parsed) -> None:  # type: ignore[no-untyped-def]
    assert all("回复表" not in i.content for t in parsed.tasks for i in t.items)


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("", "DRAFT_EMPTY", None),
        ("标题\n正文\n", "DRAFT_TABLE_UNPARSEABLE", 0),
        (
            "序号\t任务\t主要内容\t责任单位\n1\t甲\t(1) 内容\t单位\n3\t乙\t(1) 内容\t单位\n",
            "DRAFT_TABLE_UNPARSEABLE",
            3,
        ),
        ("序号\t任务\t主要内容\t责任单位\n一\t甲\t(1) 内容\t单位\n", "DRAFT_TABLE_UNPARSEABLE", 2),
    ],
)
def test_unparseable_text_names_the_line(text: str, code: str, line: int | None) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_draft_text(text)
    assert err.value.code == code
    if line:
        assert f"第{line}行" in err.value.message and err.value.details["line"] == line


MARKDOWN = """# 关于做好2023年安全生产工作的通知

## 一、提高政治站位，树牢安全发展理念

1.加强理论学习。各级各部门……

2.强化目标责任落实。严控安全生产事故指标……

| 序号 | 任务 | 主要内容 | 责任单位 |
|---|---|---|---|
| 1 | 加强理论学习 | (1) 各级各部门要认真贯彻落实 | 各乡镇(街道), 市直各部门 |
| 2 | 强化目标责任落实 | （1）严控安全生产事故指标 | 各乡镇(街道) |
|  |  | （2）道路交通领域事故明显下降 \\| 工矿商贸“零死亡” | 市公安局交警大队 |
|  |  | 消防：围绕“防大火、控小火、遏亡人” | 市消防救援大队 |
"""


def test_markdown_pipe_table() -> None:
    draft = parse_draft_markdown(MARKDOWN)
    assert draft.title == "关于做好2023年安全生产工作的通知"
    assert [t.title for t in draft.tasks] == ["加强理论学习", "强化目标责任落实"]
    items = draft.task(2).items
    assert [(i.label, i.responsible) for i in items] == [
        ("(1)", "各乡镇(街道)"),
        ("(2)", "市公安局交警大队"),
        ("消防", "市消防救援大队"),
    ]
    assert items[1].content == "道路交通领域事故明显下降 | 工矿商贸“零死亡”"
    assert draft.parts[0].task_numbers == (1, 2)


def test_markdown_repeating_the_number_on_continuation_rows_reads_as_merged_cells() -> None:
    repeated = MARKDOWN.replace("|  |  | （2）", "| 2 | 强化目标责任落实 | （2）").replace(
        "|  |  | 消防", "| 2 |  | 消防"
    )
    assert repeated != MARKDOWN
    assert parse_draft_markdown(repeated).tasks == parse_draft_markdown(MARKDOWN).tasks
    skipping = MARKDOWN.replace("| 2 | 强化目标责任落实 |", "| 3 | 强化目标责任落实 |")
    with pytest.raises(InvalidInput) as err:
        parse_draft_markdown(skipping)
    assert "序号应为2" in err.value.message, "a wrong number is still refused"


def test_markdown_without_table_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_draft_markdown("# 标题\n\n正文")
    assert err.value.code == "DRAFT_TABLE_UNPARSEABLE"


@pytest.mark.parametrize("merged", [True, False])
def test_word_draft_yields_the_same_tasks_as_text(parsed, merged: bool) -> None:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    write_seed_docx(buf, parsed, merged_cells=merged)
    from_word = parse_draft_docx(buf.getvalue())
    assert from_word.tasks == parsed.tasks
    assert [p.task_numbers for p in from_word.parts] == [p.task_numbers for p in parsed.parts]


def test_dispatch_by_suffix_and_encodings(seed_text: str) -> None:
    assert parse_draft_file("草稿.TXT", seed_text.encode("gb18030")).task_count == 29
    assert parse_draft_file("草稿.txt", b"\xef\xbb\xbf" + seed_text.encode("utf-8")).task_count == 29
    with pytest.raises(InvalidInput) as err:
        parse_draft_file("草稿.pdf", b"%PDF")
    assert err.value.code == "DRAFT_FORMAT_UNSUPPORTED"
    with pytest.raises(InvalidInput) as err:
        parse_draft_file("草稿.docx", b"not a zip")
    assert err.value.code == "DRAFT_DOCX_INVALID"
