"""Rows of a measures table to problems and measures, whatever the source format.

Real tables are untidy (the seed's own is): cells slip one column left or right, a measure and its
responsible unit share a cell, a due date and the next column's text share one, a problem's row
is continued on the next line. Rows that have every column are read by their headers; shorter ones
by what each piece of text is (a category "(一)", numbered text, a responsible unit "…负责人", a due
date "10月底"). Whatever does not fit is imported as read and reported in ``problems`` for staff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from workflow.parsing.due_dates import looks_like_due
from workflow.parsing.measures_model import FIELD_LABELS, FIELDS, MeasureRow, ParsedMeasureTable, RowProblem
from workflow.parsing.responsible import is_person_typo

_CATEGORY = re.compile(r"^[(（]\s*([一二三四五六七八九十]+)\s*[)）]\s*(.*)$", re.S)
_NUMBER = re.compile(r"(?:^|(?<=\s)|(?<=[。；;！？”]))(\d{1,2})\s*[.．、](?!\d)\s*")
_TRAILING_UNITS = re.compile(r"^(.*[。；;！？”）)])\s+(\S[^。]{1,80}?负责人)$", re.S)
_LEADING_DUE = re.compile(r"^(\S{2,16}?)\s+(\S.*)$", re.S)
_UNIT_END = ("负责人", "局", "委", "办", "部门", "单位", "队", "（街道）", "(街道)", "政府", "中心", "所")
_SPACES = re.compile(r"[ \u3000\xa0\t]+")
_HEADER_WORDS = {
    "category": ("问题类别", "类别"),
    "problem": ("具体问题", "存在问题", "问题"),
    "measure": ("措施",),
    "provincial": ("省责任",),
    "city": ("市责任", "责任单位"),
    "due": ("完成时限", "时限", "完成时间"),
    "progress": ("开展情况", "进展", "工作情况"),
}


def clean(text: str) -> str:
    return _SPACES.sub(" ", re.sub(r"</?(?:p|br|strong|b)\s*/?>", " ", text or "")).strip()


def header_field(header: str) -> str | None:
    """The column a header names (完成事项 names none: it is judged by what it holds)."""
    text = clean(header).replace(" ", "")
    for name in ("provincial", "city", "measure", "category", "problem", "due", "progress"):
        if any(word in text for word in _HEADER_WORDS[name]):
            return name
    return None


def is_units(text: str) -> bool:
    """A responsible-unit cell: "…及其主要负责人", "市水利局牵头，…配合", or a short list of unit names."""
    if not text or _NUMBER.match(text) or _CATEGORY.match(text):
        return False
    if text.endswith("负责人") and len(text) <= 120:
        return True
    return "。" not in text and len(text) <= 80 and ("牵头" in text or text.endswith(_UNIT_END))


def split_cell(pieces: list[str]) -> list[tuple[str, bool]]:
    """A cell's pieces, with a trailing responsible unit or a leading due date cut off as its own
    piece; the flag says the piece was cut out of a longer cell (two columns in one cell)."""
    out: list[tuple[str, bool]] = []
    for raw in pieces:
        piece = clean(raw)
        if not piece:
            continue
        lead = _LEADING_DUE.match(piece)
        if lead and looks_like_due(lead.group(1)):
            out.append((lead.group(1), True))
            piece = lead.group(2)
        tail = _TRAILING_UNITS.match(piece)
        if tail and is_units(tail.group(2)):
            out += [(tail.group(1).strip(), True), (tail.group(2), True)]
            continue
        out.append((piece, False))
    return out


def numbered(text: str) -> list[tuple[int | None, str]]:
    """ "1. 甲。 2. 乙。" → [(1, "甲。"), (2, "乙。")]; unnumbered text is one item."""
    marks = list(_NUMBER.finditer(text))
    if not marks:
        return [(None, text.strip())] if text.strip() else []
    items: list[tuple[int | None, str]] = []
    head = text[: marks[0].start()].strip()
    if head:
        items.append((None, head))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        body = text[m.end() : end].strip()
        if body:
            items.append((int(m.group(1)), body))
    return items


@dataclass
class _Record:
    row: int
    category: str
    cols: dict[str, list[str]] = field(default_factory=lambda: {f: [] for f in FIELDS})
    merged: set[str] = field(default_factory=set)

    def put(self, name: str, text: str) -> None:
        self.cols[name].append(text)

    def text(self, name: str) -> str:
        return " ".join(self.cols[name]).strip()


def _kind(piece: str) -> str:
    if _CATEGORY.match(piece):
        return "category"
    if looks_like_due(piece):
        return "due"
    if is_units(piece):
        return "units"
    return "text"


def _by_content(rec: _Record, cells: list[list[str]]) -> None:
    for cell in cells:
        text_col: str | None = None
        for piece, cut in split_cell(cell):
            kind = _kind(piece)
            if kind == "category":
                rec.category = piece
            elif kind == "due":
                rec.put("due" if not rec.cols["due"] else "progress", piece)
                if cut:
                    rec.merged.add("due")
            elif kind == "units":
                target = next((f for f in ("provincial", "city") if not rec.cols[f]), "progress")
                rec.put(target, piece)
                if cut:
                    rec.merged.add(target)
            else:
                if text_col is None:
                    text_col = "problem" if not rec.cols["problem"] and not rec.cols["measure"] else "measure"
                rec.put(text_col, piece)


def _by_header(rec: _Record, cells: list[list[str]], fields: list[str]) -> None:
    for cell, name in zip(cells, fields, strict=False):
        for piece, _cut in split_cell(cell):
            if name == "category" and _CATEGORY.match(piece):
                rec.category = piece
            else:
                rec.put(name, piece)


def _columns(headers: list[str], lines: list[list[list[str]]]) -> tuple[list[str], list[RowProblem]]:
    """Each header's field; a header naming none (完成事项) is judged by what its column holds."""
    fields = [header_field(h) or "" for h in headers]
    problems: list[RowProblem] = []
    for i, name in enumerate(fields):
        if name:
            continue
        held = [clean(" ".join(c[i])) for c in lines if len(c) == len(headers) and clean(" ".join(c[i]))]
        guess = "due" if held and all(looks_like_due(h) for h in held) else "progress"
        free = [f for f in FIELDS if f not in fields]
        fields[i] = guess if guess in free else (free[0] if free else "progress")
        problems.append(
            RowProblem(
                0,
                headers[i],
                "HEADER_CONTENT_MISMATCH",
                f"表头“{headers[i]}”与内容不符：该列填写的是{FIELD_LABELS[fields[i]]}"
                f"（如“{held[0] if held else ''}”），"
                f"已按{FIELD_LABELS[fields[i]]}导入，请确认。",
            )
        )
    return fields, problems


def _check(rec: _Record, out: MeasureRow, problems: list[RowProblem]) -> MeasureRow:
    """Report what does not fit: columns repeating others, measures pasted as problems, typos."""
    label = FIELD_LABELS
    units = {rec.text("provincial"), rec.text("city")} - {""}
    progress = rec.text("progress")
    if progress and (progress in units or is_units(progress) or any(progress in u for u in units)):
        problems.append(
            RowProblem(
                out.row,
                label["progress"],
                "PROGRESS_REPEATS_UNITS",
                f"“{label['progress']}”列填写的是责任单位（“{progress}”），不是工作进展，未作为进展导入。",
            )
        )
        out = MeasureRow(**{**out.__dict__, "progress": ""})
    measures = {t for _, t in out.measures}
    pasted = [n for n, t in numbered(rec.text("problem")) if t in measures]
    if pasted:
        nums = "、".join(f"第{n}项" for n in pasted if n is not None) or "部分内容"
        problems.append(
            RowProblem(
                out.row,
                label["problem"],
                "PROBLEM_HOLDS_MEASURES",
                f"“{label['problem']}”列中{nums}与整改措施相同，疑为措施误粘贴，请确认。",
            )
        )
    numbers = [n for n, _ in out.measures if n is not None]
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated:
        problems.append(
            RowProblem(
                out.row,
                label["measure"],
                "MEASURE_NUMBER_REPEATED",
                f"整改措施编号重复（{'、'.join(str(n) for n in repeated)}），可能混入了问题描述，请核对。",
            )
        )
    for name in ("provincial", "city"):
        if is_person_typo(rec.text(name)):
            problems.append(
                RowProblem(
                    out.row,
                    label[name],
                    "PERSON_TYPO",
                    f"“{label[name]}”写作“其实质负责人”，应为“其主要负责人”，请确认。",
                )
            )
    for name in sorted(rec.merged):
        problems.append(
            RowProblem(
                out.row,
                label[name],
                "CELLS_MERGED",
                f"“{label[name]}”与相邻列写在同一单元格中，已拆开导入，请核对。",
            )
        )
    if not out.due_text:
        problems.append(RowProblem(out.row, label["due"], "DUE_MISSING", "未填写完成时限，请补充。"))
    if not out.measures:
        problems.append(RowProblem(out.row, label["measure"], "MEASURE_MISSING", "未填写整改措施，请补充。"))
    return out


def build_table(
    title: str,
    headers: list[str],
    lines: list[list[list[str]]],
    groups: dict[str, tuple[str, ...]],
    doc_date: date | None,
) -> ParsedMeasureTable:
    """``lines``: rows as cells, each cell its pieces (paragraphs, <p> fragments)."""
    fields, problems = _columns(headers, lines)
    records: list[_Record] = []
    for cells in lines:
        pieces = [clean(p) for c in cells for p in c if clean(p)]
        if not pieces:
            continue
        current = records[-1] if records else None
        starts = bool(_CATEGORY.match(pieces[0]))
        if current is None or starts or current.cols["measure"]:
            current = _Record(len(records) + 1, "" if starts or current is None else current.category)
            records.append(current)
        if len(cells) == len(headers) and not current.cols["problem"]:
            _by_header(current, cells, fields)
        else:
            _by_content(current, cells)
    rows: list[MeasureRow] = []
    for rec in records:
        problem_items = numbered(rec.text("problem"))
        measures = tuple(numbered(rec.text("measure")))
        texts = {t for _, t in measures}
        kept = [(n, t) for n, t in problem_items if t not in texts] or problem_items
        due_parts = rec.text("due").split()
        if len(due_parts) > 1:
            rec.cols["progress"].insert(0, " ".join(due_parts[1:]))
        row = MeasureRow(
            row=rec.row,
            category=_category_text(rec.category),
            problem_number=kept[0][0] if kept else None,
            problem=" ".join(t for _, t in kept),
            measures=measures,
            provincial=rec.text("provincial"),
            city=rec.text("city"),
            due_text=due_parts[0] if due_parts else "",
            progress=rec.text("progress"),
        )
        rows.append(_check(rec, row, problems))
    return ParsedMeasureTable(title, tuple(headers), tuple(rows), groups, doc_date, tuple(problems))


def _category_text(text: str) -> str:
    match = _CATEGORY.match(text or "")
    return f"（{match.group(1)}）{match.group(2).strip()}" if match else (text or "").strip()


def category_ordinal(category: str) -> str:
    match = _CATEGORY.match(category or "")
    return f"（{match.group(1)}）" if match else ""
