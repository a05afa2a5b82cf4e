"""Drafts without a task table: a 规范性文件 (第X章 / 第X条 with 款 and 项) from .txt, .md and .docx,
drafts with numbered headings only, Chinese numerals, and cross-references that are not articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel.errors import InvalidInput
from tests.fixtures.drafts import GREENING_V1, GREENING_V1_MD, greening_docx
from workflow.parsing.cn_numbers import cn_number, parse_cn_number
from workflow.parsing.draft_file import parse_draft_file
from workflow.parsing.draft_model import ParsedDraft
from workflow.parsing.draft_text import parse_draft_text


def _labels(draft: ParsedDraft, kind: str) -> list[str]:
    return [i.label for i in draft.items if i.kind == kind]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十三", 23),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百十二", 112),
        ("两百", 200),
        ("一千零一", 1001),
        ("23", 23),
        ("２３", 23),
    ],
)
def test_chinese_numerals_read_and_written(text: str, number: int) -> None:
    assert parse_cn_number(text) == number
    if not text.isdigit() and text not in ("一百十二", "两百", "２３"):
        assert cn_number(number) == text, "written back the way legal texts write it"


def test_not_a_numeral() -> None:
    assert parse_cn_number("总则") is None and parse_cn_number("") is None


def test_article_draft_from_text() -> None:
    draft = parse_draft_text(GREENING_V1.read_text(encoding="utf-8"))
    assert draft.kind == "articles" and draft.tasks == ()
    assert draft.title == "某市城市绿化管理办法"
    assert _labels(draft, "chapter") == ["第一章", "第二章", "第三章", "第四章"]
    assert _labels(draft, "article") == [f"第{cn_number(n)}条" for n in range(1, 12)]
    assert _labels(draft, "paragraph") == [
        "第三条第一款",
        "第三条第二款",
        "第三条第三款",
        "第五条第一款",
        "第五条第二款",
        "第六条第一款",
        "第六条第二款",
        "第八条第一款",
        "第八条第二款",
        "第八条第三款",
        "第九条第一款",
        "第九条第二款",
        "第十条第一款",
        "第十条第二款",
    ]
    assert _labels(draft, "item") == ["第五条第二款第（一）项", "第五条第二款第（二）项", "第五条第二款第（三）项"]
    by_label = {i.label: i for i in draft.items}
    assert by_label["第二章"].heading == "规划与建设"
    article_ten = by_label["第十条"]
    assert draft.items[article_ten.parent or 0].label == "第三章", "an article belongs to its chapter"
    assert article_ten.text.startswith("违反本办法第七条规定")
    assert by_label["第十条第二款"].text == "第七条规定的临时占用期满后，占用单位应当在十日内恢复绿化。", (
        "a paragraph opening with a cross-reference is a 款 of 第十条, not 第七条 again"
    )
    assert by_label["第五条第二款第（二）项"].text == "面积在五千平方米以上的单位附属绿地；"
    assert draft.items[by_label["第五条第二款第（二）项"].parent or 0].label == "第五条第二款"


def test_the_same_draft_from_markdown_and_word(tmp_path: Path) -> None:
    from_text = parse_draft_text(GREENING_V1.read_text(encoding="utf-8"))
    from_md = parse_draft_file("greening.md", GREENING_V1_MD.read_bytes())
    word = greening_docx(GREENING_V1, tmp_path / "greening.docx")
    from_word = parse_draft_file("greening.docx", word.read_bytes())
    for other in (from_md, from_word):
        assert other.kind == "articles"
        assert [(i.kind, i.label, i.parent, i.text) for i in other.items] == [
            (i.kind, i.label, i.parent, i.text) for i in from_text.items
        ]
    assert from_md.title == from_word.title == "某市城市绿化管理办法"


LONG = "\n".join(
    ["某市城市养犬管理规定", "目录", "第一章　总则", "第二章　登记", "第一章　总则"]
    + [f"第{cn_number(n)}条　第{n}条的内容，依照本规定第{cn_number(max(1, n - 1))}条执行。" for n in range(1, 23)]
    + ["第二章　登记", "第二十三条　养犬实行登记制度。", "第二十四条规定的登记，由公安机关办理。"]
    + [f"第{cn_number(n)}条　第{n}条的内容。" for n in range(24, 106)]
)


def test_large_numbers_contents_and_references() -> None:
    draft = parse_draft_text(LONG)
    articles = [i for i in draft.items if i.kind == "article"]
    assert [i.number for i in articles] == list(range(1, 106))
    assert articles[22].label == "第二十三条" and articles[104].label == "第一百零五条"
    assert _labels(draft, "chapter") == ["第一章", "第二章"], "the table of contents is not the chapters"
    assert articles[22].text == "养犬实行登记制度。\n第二十四条规定的登记，由公安机关办理。", (
        "a line citing the next article (第二十四条规定的) continues 第二十三条"
    )


def test_arabic_article_numbers() -> None:
    draft = parse_draft_text("某市管理办法\n第1条 总则内容。\n第2条 其他内容。\n（一）甲；\n（二）乙。\n")
    assert _labels(draft, "article") == ["第一条", "第二条"]
    assert _labels(draft, "item") == ["第二条第（一）项", "第二条第（二）项"]


SECTIONS = """关于加强城市绿化工作的意见

一、总体要求
坚持生态优先、绿色发展。
（一）指导思想。以生态文明思想为指导。
（二）工作目标。到2025年，城市绿地率达到40%。
二、重点任务
（一）加强规划管控。
1.编制绿地系统规划。结合国土空间规划编制。
2.划定城市绿线。
（二）提升建设水平。
三、保障措施
"""


def test_numbered_headings_draft() -> None:
    draft = parse_draft_text(SECTIONS)
    assert draft.kind == "sections" and draft.title == "关于加强城市绿化工作的意见"
    assert [(i.label, i.heading) for i in draft.items] == [
        ("一、", "总体要求"),
        ("一、（一）", "指导思想"),
        ("一、（二）", "工作目标"),
        ("二、", "重点任务"),
        ("二、（一）", "加强规划管控"),
        ("二、（一）1.", "编制绿地系统规划"),
        ("二、（一）2.", "划定城市绿线"),
        ("二、（二）", "提升建设水平"),
        ("三、", "保障措施"),
    ]
    assert draft.items[0].text == "总体要求\n坚持生态优先、绿色发展。"
    assert draft.items[5].parent == 4


@pytest.mark.parametrize("name", ["a.txt", "a.md"])
def test_no_structure_is_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_draft_file(name, "某市办法\n\n这里只有一段话。\n".encode())
    assert err.value.code == "DRAFT_TABLE_UNPARSEABLE"
    assert "第X条" in err.value.message and "重点任务分工表" in err.value.message
