"""The numbers Word draws in front of paragraphs: automatic lists ("第%1条", "%1、", "（%1）", "%1.").

A 规范性文件 drafted with Word's multilevel list shows "第五条" on the page, but the paragraph's own text has
no such words: the number comes from ``numbering.xml`` at display time. Reading only the text, the
structure parser would find no articles. This module renders each numbered paragraph's label the way
Word counts it (per list, per level, lower levels restarting under a new higher one unless their
``lvlRestart`` says otherwise, ``start`` and ``startOverride`` honoured) so the label can be put back in
front of the text.

Only what drafts use is rendered: decimal, Chinese counting (一、二…十一), full-width digits and upper/lower
letters; any other format falls back to decimal. Bullets and levels without ``%N`` placeholders give no label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

from workflow.parsing.cn_numbers import cn_number

_PLACEHOLDER = re.compile(r"%([1-9])")
_SUFFIX = {"tab": "\u3000", "space": "\u3000", "nothing": ""}  # what separates a label from its text


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int
    suffix: str
    restart: int | None  # lvlRestart: None restarts under any higher level, 0 never, N under levels 1..N


@dataclass
class _List:
    levels: dict[int, _Level]
    counters: dict[int, int] = field(default_factory=dict)


def _val(element: Any, tag: str, default: str = "") -> str:
    found = element.find(qn(tag)) if element is not None else None
    value = found.get(qn("w:val")) if found is not None else None
    return value if value is not None else default


def _levels(abstract: Any) -> dict[int, _Level]:
    out = {}
    for lvl in abstract.findall(qn("w:lvl")):
        ilvl = int(lvl.get(qn("w:ilvl"), "0"))
        start = _val(lvl, "w:start", "1")
        restart = _val(lvl, "w:lvlRestart")
        out[ilvl] = _Level(
            fmt=_val(lvl, "w:numFmt", "decimal"),
            text=_val(lvl, "w:lvlText"),
            start=int(start) if start.isdigit() else 1,
            suffix=_SUFFIX.get(_val(lvl, "w:suff", "tab"), "\u3000"),
            restart=int(restart) if restart.isdigit() else None,
        )
    return out


def _format(n: int, fmt: str) -> str:
    if fmt.startswith("chinese") or fmt.startswith("ideograph") or fmt == "taiwaneseCountingThousand":
        return cn_number(n)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("upperLetter", "lowerLetter") and 1 <= n <= 26:
        letter = chr(ord("A") + n - 1)
        return letter if fmt == "upperLetter" else letter.lower()
    return str(n)


class Numbering:
    """Counts a document's automatic lists in reading order; ``label(paragraph)`` for each body paragraph."""

    def __init__(self, numbering_element: Any | None, styles: Iterable[Any] = ()) -> None:
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self._lists: dict[str, _List] = {}
        self._style_num: dict[str, tuple[str, int]] = {}  # paragraph style id → (numId, ilvl)
        if numbering_element is not None:
            for abstract in numbering_element.findall(qn("w:abstractNum")):
                self._abstract[abstract.get(qn("w:abstractNumId"), "")] = _levels(abstract)
            for num in numbering_element.findall(qn("w:num")):
                overrides = {}
                for override in num.findall(qn("w:lvlOverride")):
                    start = _val(override, "w:startOverride")
                    if start.isdigit():
                        overrides[int(override.get(qn("w:ilvl"), "0"))] = int(start)
                self._nums[num.get(qn("w:numId"), "")] = (_val(num, "w:abstractNumId"), overrides)
        for style in styles:
            num_pr = style.find(qn("w:pPr") + "/" + qn("w:numPr"))
            if num_pr is not None and style.get(qn("w:styleId")):
                level = _val(num_pr, "w:ilvl", "0")
                self._style_num[style.get(qn("w:styleId"))] = (_val(num_pr, "w:numId"), int(level or 0))

    def label(self, paragraph: Any) -> str:
        """The number Word shows before ``paragraph`` with its separator ("第五条\u3000"), or "" for none.
        Call once per paragraph, in document order: each call counts."""
        p_pr = paragraph.find(qn("w:pPr"))
        num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
        style = _val(p_pr, "w:pStyle") if p_pr is not None else ""
        num_id, ilvl = self._style_num.get(style, ("", 0))
        if num_pr is not None:
            num_id = _val(num_pr, "w:numId", num_id)
            level_text = _val(num_pr, "w:ilvl")
            ilvl = int(level_text) if level_text.isdigit() else ilvl
        if not num_id or num_id == "0" or num_id not in self._nums:
            return ""
        abstract_id, overrides = self._nums[num_id]
        levels = self._abstract.get(abstract_id, {})
        level = levels.get(ilvl)
        if level is None or level.fmt == "bullet" or level.fmt == "none":
            return ""
        # Word counts per abstract list: several numIds of one abstract list continue one sequence.
        state = self._lists.setdefault(abstract_id, _List(levels))
        counters = state.counters
        start = overrides.get(ilvl, level.start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            # A new higher-level item restarts the levels under it, unless a level says otherwise (legal
            # texts number 第X条 through the chapters: lvlRestart 0).
            rule = levels[deeper].restart if deeper in levels else None
            if rule is None or (rule > 0 and ilvl < rule):
                del counters[deeper]

        def number(match: re.Match[str]) -> str:
            at = int(match.group(1)) - 1
            shown = levels.get(at)
            value = counters.get(at, shown.start if shown else 1)
            return _format(value, shown.fmt if shown else "decimal")

        if not _PLACEHOLDER.search(level.text):
            return ""
        return _PLACEHOLDER.sub(number, level.text) + level.suffix


def numbered_texts(document: Any) -> list[str]:
    """Each body paragraph's text with the number Word shows in front of it (python-docx ``Document``)."""
    part = document.part
    try:
        numbering = part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering = None
    try:
        styles = list(part.styles.element.findall(qn("w:style")))
    except (KeyError, NotImplementedError, AttributeError):
        styles = []
    counter = Numbering(numbering, styles)
    out = []
    for paragraph in document.paragraphs:
        label, text = counter.label(paragraph._p), paragraph.text  # an empty numbered line still counts
        out.append(label + text if text.strip() else text)
    return out
