"""What a comment points at: "序号8", "第五条", "第八条第二款", "第五条第（三）项", "第三章", "（二）" or free
text, resolved to an item of the draft version the round asks about. What the unit wrote is kept as
written; the item found is the comment's anchor. No I/O."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from workflow.parsing.cn_numbers import NUMERAL_CHARS, cn_number, parse_cn_number

_N = rf"[{NUMERAL_CHARS}0-9]+"
_TASK_NUMBER = re.compile(r"(\d{1,3})")
_ARTICLE = re.compile(rf"第({_N})条(?:第({_N})款)?(?:第?\(({_N})\)项?|第({_N})项)?")
_CHAPTER = re.compile(rf"第({_N})章(?:第({_N})节)?")
_SECTION = re.compile(rf"第({_N})节")
_BARE = re.compile(rf"^\(({_N})\)(.*)$")
_PART = re.compile(rf"^第({_N})部分")


class ItemLike(Protocol):
    @property
    def seq(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def number(self) -> int: ...
    @property
    def parent_seq(self) -> int | None: ...
    @property
    def heading(self) -> str: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class Target:
    seq: int | None = None  # the anchor: an item of the version
    task_number: int | None = None  # task drafts: the 序号 (kept on the comment as before)
    unknown: str | None = None  # a reference to an item the draft does not have ("第九十条")


def fold_target(text: str) -> str:
    """Spaces dropped, full-width forms folded: （二） → (二), ３ → 3."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _num(text: str | None) -> int | None:
    return parse_cn_number(text) if text else None


def _by_text(candidates: Sequence[ItemLike], words: str) -> Target:
    """One candidate, or the one whose wording the target quotes (a bare "（二）" is in many articles)."""
    if len(candidates) == 1:
        return Target(candidates[0].seq)
    if not candidates or len(words) < 2:
        return Target()
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, words, fold_target(c.heading or c.text)[: len(words) * 2]).ratio(), c)
            for c in candidates
        ),
        key=lambda p: -p[0],
    )
    if scored[0][0] >= 0.5 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return Target(scored[0][1].seq)
    return Target()


def _tasks(target: str, items: Sequence[ItemLike]) -> Target:
    match = _TASK_NUMBER.search(target)
    if not match:
        return Target()
    number = int(match.group(1))
    found = next((i for i in items if i.kind == "task" and i.number == number), None)
    if found is None:
        return Target(task_number=number, unknown=f"序号{number}")
    return Target(found.seq, number)


def _children(items: Sequence[ItemLike], parent: int, kind: str) -> list[ItemLike]:
    return [i for i in items if i.parent_seq == parent and i.kind == kind]


def _article(match: re.Match[str], items: Sequence[ItemLike]) -> Target:
    a, k, j = _num(match.group(1)), _num(match.group(2)), _num(match.group(3) or match.group(4))
    article = next((i for i in items if i.kind == "article" and i.number == a), None)
    name = f"第{cn_number(a or 0)}条"
    if article is None:
        return Target(unknown=name)
    holder = article
    if k is not None:
        paragraphs = _children(items, article.seq, "paragraph")
        paragraph = next((p for p in paragraphs if p.number == k), None)
        if paragraph is None and not (k == 1 and not paragraphs):  # a one-paragraph article is its 第一款
            return Target(unknown=f"{name}第{cn_number(k)}款")
        holder = paragraph or article
    if j is None:
        return Target(holder.seq)
    holders = [holder.seq]
    if holder is article:
        holders += [p.seq for p in _children(items, article.seq, "paragraph")]
    found = [i for i in items if i.kind == "item" and i.parent_seq in holders and i.number == j]
    if not found:
        return Target(unknown=f"{name}第（{cn_number(j)}）项")
    return Target(found[0].seq)


def _articles(target: str, items: Sequence[ItemLike]) -> Target:
    match = _ARTICLE.search(target)
    if match:
        return _article(match, items)
    match = _CHAPTER.search(target)
    if match:
        c, s = _num(match.group(1)), _num(match.group(2))
        chapter = next((i for i in items if i.kind == "chapter" and i.number == c), None)
        if chapter is None:
            return Target(unknown=f"第{cn_number(c or 0)}章")
        if s is None:
            return Target(chapter.seq)
        section = next((i for i in _children(items, chapter.seq, "section") if i.number == s), None)
        return Target(section.seq) if section else Target(unknown=f"第{cn_number(c or 0)}章第{cn_number(s)}节")
    match = _SECTION.search(target)
    if match:
        return _by_text([i for i in items if i.kind == "section" and i.number == _num(match.group(1))], "")
    match = _BARE.match(target)
    if match:
        number = _num(match.group(1))
        return _by_text([i for i in items if i.kind == "item" and i.number == number], match.group(2))
    return Target()


def _sections(target: str, items: Sequence[ItemLike]) -> Target:
    part = _PART.match(target)
    if part:
        target = f"{cn_number(_num(part.group(1)) or 0)}、{target[part.end() :]}"
    headed = [(i, fold_target(i.label)) for i in items if i.kind == "heading"]
    prefixed = [(len(label), i) for i, label in headed if target.startswith(label)]
    if prefixed:
        return Target(max(prefixed, key=lambda p: p[0])[1].seq)
    bare = _BARE.match(target) or re.match(r"^(\d{1,3})[.、](.*)$", target)
    if bare:
        ordinal = fold_target(bare.group(0)[: len(bare.group(0)) - len(bare.group(2))])
        return _by_text([i for i, label in headed if label.endswith(ordinal)], bare.group(2))
    return Target()


def resolve_target(target: str, kind: str, items: Sequence[ItemLike]) -> Target:
    """The item ``target`` names in a draft of ``kind`` (tasks | articles | sections); free text → no anchor."""
    folded = fold_target(target)
    if not folded or folded == "全文":
        return Target()
    if kind == "tasks":
        return _tasks(folded, items)
    if kind == "articles":
        return _articles(folded, items)
    return _sections(folded, items)


def target_options(kind: str, items: Sequence[ItemLike]) -> list[tuple[str, str]]:
    """The 条目 choices a reply form offers: (value, what the list shows), in the draft's order."""
    options = []
    for i in items:
        if kind == "tasks" or i.kind in ("chapter", "section"):
            shown = f"{i.label} {i.heading}"
        elif i.kind == "article":
            first = i.text.split("\n", 1)[0]
            shown = f"{i.label} {first[:18]}{'…' if len(first) > 18 else ''}"
        elif i.kind in ("paragraph", "item"):
            shown = f"　{i.label}"
        else:
            shown = f"{i.label}{i.heading}"
        options.append((i.label, shown))
    return options
