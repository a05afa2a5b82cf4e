"""Items of a revision matched to the draft before it by wording, not number (inserted, deleted, split,
reordered articles), and comment targets resolved to items."""

from __future__ import annotations

import pytest

from tests.fixtures.drafts import GREENING_V1, GREENING_V2
from workflow.draft_targets import Target, resolve_target, target_options
from workflow.item_matching import MatchUnit, in_order, match_items, text_changes
from workflow.parsing.draft_model import ParsedDraft
from workflow.parsing.draft_text import parse_draft_text
from workflow.services.draft_items import item_rows

V1 = parse_draft_text(GREENING_V1.read_text(encoding="utf-8"))
V2 = parse_draft_text(GREENING_V2.read_text(encoding="utf-8"))


def _units(draft: ParsedDraft) -> list[MatchUnit]:
    return [MatchUnit(r.seq, r.kind, r.label, r.number, r.parent_seq, r.text) for r in item_rows(draft.items)]


def _continuations() -> dict[str, list[tuple[str, bool]]]:
    old, new = _units(V1), _units(V2)
    before, after = {u.seq: u.label for u in old}, {u.seq: u.label for u in new}
    out: dict[str, list[tuple[str, bool]]] = {label: [] for label in before.values()}
    for link in match_items(old, new):
        out[before[link.from_seq]].append((after[link.to_seq], link.primary))
    return out


def test_articles_follow_their_words_not_their_numbers() -> None:
    follows = _continuations()
    assert follows["第一条"] == [("第一条", True)]
    assert follows["第三条第二款"] == [("第三条第二款", True)], "a reworded 款 stays itself"
    assert follows["第五条"] == [("第六条", True)], "an article inserted before 第五条 makes it 第六条"
    assert follows["第五条第二款第（三）项"] == [("第六条第二款第（三）项", True)]
    assert follows["第六条"] == [("第七条", True), ("第八条", False)], "split: 第七条 first, 第八条 a further piece"
    assert follows["第六条第二款"] == [("第八条", True)], "the 款 that became an article of its own"
    assert follows["第七条"] == [("第九条", True)]
    assert follows["第八条"] == [("第十一条", True)], "reordered after 第十条"
    assert follows["第八条第二款"] == [("第十一条第二款", True)]
    assert follows["第十条"] == [("第十条", True)], "its cross-reference now says 第九条: changed, still itself"
    assert follows["第十一条"] == [("第十二条", True)]
    assert follows["第九条"] == [] and follows["第九条第一款"] == [], "deleted"


def test_order_kept_and_moved() -> None:
    kept = in_order([(1, 1), (2, 3), (3, 2), (4, 4)])
    assert len(kept) == 3 and (1, 1) in kept and (4, 4) in kept
    assert in_order([]) == set()


def test_changed_words_are_marked() -> None:
    runs = text_changes("违反本办法第七条规定", "违反本办法第九条规定")
    assert runs == [("same", "违反本办法第"), ("del", "七"), ("ins", "九"), ("same", "条规定")]


ROWS = item_rows(V1.items)


@pytest.mark.parametrize(
    ("target", "label"),
    [
        ("第五条", "第五条"),
        ("第 5 条", "第五条"),
        ("第八条第二款", "第八条第二款"),
        ("建议修改第八条第二款的表述", "第八条第二款"),
        ("第五条第（三）项", "第五条第二款第（三）项"),
        ("第五条第二款第三项", "第五条第二款第（三）项"),
        ("第五条(三)", "第五条第二款第（三）项"),
        ("第三章", "第三章"),
        ("第七条第一款", "第七条"),
        ("（二）面积在五千平方米以上的单位附属绿地", "第五条第二款第（二）项"),
        ("（二）", "第五条第二款第（二）项"),
    ],
)
def test_targets_resolve_to_items(target: str, label: str) -> None:
    found = resolve_target(target, "articles", ROWS)
    assert found.seq is not None and found.unknown is None
    assert next(r.label for r in ROWS if r.seq == found.seq) == label


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("第九十条", Target(unknown="第九十条")),
        ("第七条第二款", Target(unknown="第七条第二款")),
        ("第五条第（九）项", Target(unknown="第五条第（九）项")),
        ("第九章", Target(unknown="第九章")),
        ("全文", Target()),
        ("建议增加关于屋顶绿化的规定", Target()),
        ("", Target()),
    ],
)
def test_unknown_items_and_free_text(target: str, expected: Target) -> None:
    assert resolve_target(target, "articles", ROWS) == expected


def test_task_targets_as_before() -> None:
    rows = [r for r in ROWS if r.kind == "chapter"]  # any items; tasks are looked up by number
    assert resolve_target("序号8 消防", "tasks", rows).unknown == "序号8"


def test_options_are_the_drafts_own_items() -> None:
    options = target_options("articles", ROWS)
    values = [v for v, _shown in options]
    assert values[:3] == ["第一章", "第一条", "第二条"]
    assert "第八条第二款" in values and "第五条第二款第（三）项" in values
    assert dict(options)["第一章"] == "第一章 总则"
    assert dict(options)["第二条"].startswith("第二条 本办法适用于")


def test_a_long_draft_revised_throughout_is_matched_article_by_article() -> None:
    """120 articles of look-alike wording, each reworded, the first deleted and the rest renumbered: every
    article still finds itself (difflib only judges the closest candidates, so this stays fast)."""
    import random
    import time

    from workflow.parsing.cn_numbers import cn_number

    words = "城市绿化主管部门应当按照规定组织实施监督管理建设单位个人不得擅自占用绿地树木花草养护责任"

    def article(n: int, reworded: bool) -> str:
        pick = random.Random(n)
        number = n - 1 if reworded else n  # the revision numbers them anew
        paragraphs = ["".join(pick.choice(words) for _ in range(60)) + "。" for _ in range(3)]
        if reworded:
            paragraphs[0] = paragraphs[0][:30] + "修改" + paragraphs[0][30:]
        return f"第{cn_number(number)}条\u3000" + "\n".join(paragraphs)

    old = _units(parse_draft_text("某办法\n" + "\n".join(article(n, False) for n in range(1, 121))))
    new = _units(parse_draft_text("某办法\n" + "\n".join(article(n, True) for n in range(2, 121))))
    started = time.perf_counter()
    links = match_items(old, new)
    assert time.perf_counter() - started < 10
    before, after = {u.seq: u.label for u in old}, {u.seq: u.label for u in new}
    followed = {before[k.from_seq]: after[k.to_seq] for k in links if k.primary}
    assert all(followed[f"第{cn_number(n)}条"] == f"第{cn_number(n - 1)}条" for n in range(2, 121))
    assert "第一条" not in followed, "deleted"


def test_numbered_headings_follow_their_words() -> None:
    from tests.unit.test_parsing__article_drafts import SECTIONS

    revised = (
        SECTIONS.replace("二、重点任务\n", "二、重点任务\n（一）开展全民义务植树。\n")
        .replace("（一）加强规划管控。", "（二）加强规划管控。")
        .replace("（二）提升建设水平。", "（三）提升建设水平。")
    )
    old, new = _units(parse_draft_text(SECTIONS)), _units(parse_draft_text(revised))
    target = resolve_target("二、（一）加强规划管控", "sections", item_rows(parse_draft_text(SECTIONS).items))
    before, after = {u.seq: u.label for u in old}, {u.seq: u.label for u in new}
    followed = {before[k.from_seq]: after[k.to_seq] for k in match_items(old, new) if k.primary}
    assert target.seq is not None and before[target.seq] == "二、（一）"
    assert followed["二、（一）"] == "二、（二）" and followed["二、（一）1."] == "二、（二）1."
    assert followed["二、（二）"] == "二、（三）" and followed["三、"] == "三、"
    assert "二、（一）" not in {followed[label] for label in followed}, "the inserted heading continues nothing"
