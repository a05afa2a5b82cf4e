"""Drafts without a task table: article-structured (规范性文件: 第X章 / 第X节 / 第X条, with 款 and 项) or
numbered headings only (一、 / （一） / 1. / （1）).

An article heading starts its line, and its number follows the last one (or is set off by a space and
larger): so a paragraph that happens to begin with a cross-reference ("第七条规定的……") or a
reference inside a sentence ("违反本办法第七条规定") is never read as an article of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kernel.errors import InvalidInput
from workflow.parsing.body import find_title
from workflow.parsing.cn_numbers import NUMERAL_CHARS, cn_number, parse_cn_number
from workflow.parsing.draft_model import ParsedDraft, ParsedItem

_NUM = rf"[{NUMERAL_CHARS}0-9０-９]+"
_SPACE = " \t\u3000\xa0"
# What follows "第七条" when the line cites the article instead of being it.
_REFERENCE = (
    "规定",
    "所称",
    "所列",
    "所述",
    "的",
    "之",
    "第",
    "至",
    "、",
    "和",
    "或",
    "中",
    "及",
    "有关",
    "明确",
    "（",
    "(",
)
_ITEM = re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[)）]\s*(.*)$")
_ATTACHMENT = re.compile(r"^附件\s*\d*\s*[:：]?\s*$")
_HEADINGS = (  # the four customary levels of numbered headings
    re.compile(r"^([一二三四五六七八九十]+)\s*、\s*(.*)$"),
    re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[)）]\s*(.*)$"),
    re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(.*)$"),
    re.compile(r"^[（(]\s*(\d{1,3})\s*[)）]\s*(.*)$"),
)
_TITLE_END = re.compile(r"(办法|条例|规定|细则|规则|决定|意见|方案|通知|章程|准则|规范|规划|公告)(（[^）]*）)?$")
UNRECOGNISED = (
    "没有识别出文稿的结构：应为带“序号 任务 主要内容 责任单位”表头的重点任务分工表、"
    "按“第X章”“第X条”编排的条文，或按“一、（一）1.”编号的标题。"
)


def _numbered(line: str, word: str, last: int) -> tuple[int, str] | None:
    """``第N<word>`` opening a line, read as a heading only when it is one (see the module docstring)."""
    match = re.match(rf"^第\s*({_NUM})\s*{word}(.*)$", line)
    if not match:
        return None
    number = parse_cn_number(match.group(1))
    rest = match.group(2)
    if number is None or number < 1:
        return None
    if rest == "" or rest[0] in _SPACE:  # "第七条　……": the heading's own layout
        return (number, rest.strip(_SPACE)) if number > last else None
    if number == last + 1 and not rest.startswith(_REFERENCE):  # "第七条为了……", typed without the space
        return number, rest
    return None


def _short_heading(rest: str) -> bool:
    return len(rest) <= 30 and not rest.endswith(("。", "；", ";", "，"))


@dataclass
class _Article:
    number: int
    parent: int | None
    paragraphs: list[list[str]] = field(default_factory=list)  # each 款: its line, then its 项 lines


class _ArticleReader:
    """Walks the lines once, building chapters, sections and articles with their 款 and 项."""

    def __init__(self) -> None:
        self.items: list[ParsedItem] = []
        self.chapter = self.section = self.last_article = 0
        self.chapter_at: int | None = None
        self.section_at: int | None = None
        self.article: _Article | None = None
        self.preamble: list[str] = []

    def feed(self, line: str) -> None:
        chapter = _numbered(line, "章", self.chapter)
        if chapter and _short_heading(chapter[1]):
            self._close()
            self.chapter, self.section = chapter[0], 0
            self.chapter_at, self.section_at = len(self.items), None
            self.items.append(
                ParsedItem("chapter", f"第{cn_number(chapter[0])}章", chapter[0], None, chapter[1], chapter[1])
            )
            return
        section = _numbered(line, "节", self.section)
        if section and _short_heading(section[1]) and self.chapter_at is not None:
            self._close()
            self.section = section[0]
            self.section_at = len(self.items)
            label = f"第{cn_number(self.chapter)}章第{cn_number(section[0])}节"
            self.items.append(ParsedItem("section", label, section[0], self.chapter_at, section[1], section[1]))
            return
        article = _numbered(line, "条", self.last_article)
        if article:
            self._close()
            self.last_article = article[0]
            parent = self.section_at if self.section_at is not None else self.chapter_at
            self.article = _Article(article[0], parent)
            if article[1]:
                self.article.paragraphs.append([article[1]])
            return
        if self.article is None:
            if not self.items:
                self.preamble.append(line)
            return
        if _ITEM.match(line) and self.article.paragraphs:
            self.article.paragraphs[-1].append(line)
        elif self.article.paragraphs and self.article.paragraphs[-1][1:] and re.match(r"^\d{1,2}\s*[.．]", line):
            self.article.paragraphs[-1][-1] += "\n" + line  # a 目 (1.) inside a 项 belongs to it
        else:
            self.article.paragraphs.append([line])

    def _close(self) -> None:
        """Emit the open article, its 款 (when it has more than one) and its 项."""
        article, self.article = self.article, None
        if article is None:
            return
        label = f"第{cn_number(article.number)}条"
        text = "\n".join(line for paragraph in article.paragraphs for line in paragraph)
        at = len(self.items)
        self.items.append(ParsedItem("article", label, article.number, article.parent, "", text))
        several = len(article.paragraphs) > 1
        for k, paragraph in enumerate(article.paragraphs, 1):
            holder = at
            prefix = label
            if several:
                prefix = f"{label}第{cn_number(k)}款"
                holder = len(self.items)
                self.items.append(ParsedItem("paragraph", prefix, k, at, "", "\n".join(paragraph)))
            for line in paragraph[1:]:
                match = _ITEM.match(line)
                number = parse_cn_number(match.group(1)) if match else None
                if match and number:
                    self.items.append(
                        ParsedItem("item", f"{prefix}第（{cn_number(number)}）项", number, holder, "", match.group(2))
                    )

    def finish(self) -> list[ParsedItem]:
        self._close()
        return self.items


def _skip_contents(lines: Sequence[str]) -> list[str]:
    """Drop a table of contents (目录 followed by chapter and section lines): its 第一章 is not the chapter.
    The contents end where a chapter number stops growing — the real 第一章 that follows them."""
    out: list[str] = []
    in_contents, last = False, 0
    for line in lines:
        if re.sub(rf"[{_SPACE}]", "", line) in ("目录", "目次"):
            in_contents, last = True, 0
            continue
        if in_contents:
            match = re.match(rf"^第\s*({_NUM})\s*([章节])", line)
            number = parse_cn_number(match.group(1)) if match else None
            if match and match.group(2) == "节":
                continue
            if number is not None and number > last:
                last = number
                continue
            in_contents = False
        out.append(line)
    return out


def _articles(lines: Sequence[str]) -> tuple[list[ParsedItem], list[str]]:
    reader = _ArticleReader()
    for line in _skip_contents(lines):
        if _ATTACHMENT.match(line) and (reader.items or reader.article):
            break  # the draft's own attachments (附件：…) are not articles
        reader.feed(line)
    return reader.finish(), reader.preamble


def _heading_title(rest: str) -> str:
    """The heading's words: up to the first full stop ("加强理论学习。各级……" → 加强理论学习)."""
    head = re.split(r"[。；]", rest, maxsplit=1)[0].strip()
    return head if len(head) <= 40 else head[:40] + "…"


def _headings(lines: Sequence[str]) -> tuple[list[ParsedItem], list[str]]:
    """Numbered headings nested by their customary levels; each owns the paragraphs up to the next one."""
    items: list[ParsedItem] = []
    texts: list[list[str]] = []
    open_at: dict[int, int] = {}  # level → index of the last heading of that level
    preamble: list[str] = []
    for line in lines:
        if _ATTACHMENT.match(line) and items:
            break
        level, match = next(((n, m) for n, p in enumerate(_HEADINGS) if (m := p.match(line))), (-1, None))
        if match is None:
            if texts:
                texts[-1].append(line)
            else:
                preamble.append(line)
            continue
        number = parse_cn_number(match.group(1)) or 0
        open_at = {k: v for k, v in open_at.items() if k < level}
        parent = open_at[max(open_at)] if open_at else None
        ordinal = (f"{match.group(1)}、", f"（{match.group(1)}）", f"{match.group(1)}.", f"（{match.group(1)}）")[level]
        label = (items[parent].label if parent is not None else "") + ordinal
        open_at[level] = len(items)
        items.append(ParsedItem("heading", label, number, parent, _heading_title(match.group(2)), ""))
        texts.append([match.group(2)])
    return [
        ParsedItem(i.kind, i.label, i.number, i.parent, i.heading, "\n".join(t))
        for i, t in zip(items, texts, strict=True)
    ], preamble


def _title(preamble: list[str]) -> str | None:
    found = find_title(preamble)
    if found:
        return found
    for line in preamble[:6]:
        candidate = re.sub(r"\s+", "", line).replace("(", "（").replace(")", "）")
        if len(candidate) <= 60 and _TITLE_END.search(candidate):
            return candidate
    return None


def parse_structure(lines: Sequence[str]) -> ParsedDraft:
    """An article-structured draft if it has articles, else one with numbered headings; else refused."""
    body = tuple(line for line in lines if line)
    items, preamble = _articles(body)
    if sum(1 for i in items if i.kind == "article") >= 2:
        return ParsedDraft(_title(preamble), body, (), (), kind="articles", items=tuple(items))
    items, preamble = _headings(body)
    if len(items) >= 2:
        return ParsedDraft(_title(preamble), body, (), (), kind="sections", items=tuple(items))
    raise InvalidInput("DRAFT_TABLE_UNPARSEABLE", UNRECOGNISED, line=0)
