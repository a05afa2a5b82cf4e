"""What a parsed rectification-measures table (整改措施表) is, and the problems found in its rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

FIELDS = ("category", "problem", "measure", "provincial", "city", "due", "progress")
FIELD_LABELS = {
    "category": "问题类别",
    "problem": "具体问题",
    "measure": "整改措施",
    "provincial": "省责任单位及责任人",
    "city": "市责任单位及责任人",
    "due": "完成时限",
    "progress": "当月工作开展情况",
}


@dataclass(frozen=True)
class RowProblem:
    """Something in an incoming row staff must confirm (the row is imported, the doubt is listed)."""

    row: int  # 1-based problem row of the table; 0 for the header
    column: str  # the column's Chinese name
    code: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class MeasureRow:
    """One problem of the table with its numbered measures (the seed numbers both 1., 2., …)."""

    row: int
    category: str  # （一）安全发展理念还不够牢固。
    problem_number: int | None
    problem: str
    measures: tuple[tuple[int | None, str], ...]
    provincial: str
    city: str
    due_text: str
    progress: str = ""


@dataclass(frozen=True)
class ParsedMeasureTable:
    title: str
    headers: tuple[str, ...]
    rows: tuple[MeasureRow, ...]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # footnote: group → its members
    doc_date: date | None = None
    problems: tuple[RowProblem, ...] = ()
