"""Reading a measures table (整改措施表) from .txt (the seed's layout: tab-separated rows, ``<p>``
fragments, continuation lines, footnotes defining groups), .md (pipe table), .docx or .xlsx."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import PurePath

from kernel.errors import InvalidInput
from workflow.parsing.draft_file import decode_text
from workflow.parsing.measures_model import ParsedMeasureTable
from workflow.parsing.measures_rows import build_table, clean, header_field

_FRAGMENTS = re.compile(r"</p>\s*<p>|<br\s*/?>|\n")
_FOOTNOTE = re.compile(r"^(?:注[:：]\s*)?([^\t：:]{2,30})[：:]\s*(\S.+)$")
_DOC_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _pieces(cell: str) -> list[str]:
    return [p for p in (clean(x) for x in _FRAGMENTS.split(cell or "")) if p]


def _is_header(cells: list[str]) -> bool:
    named = [header_field(c) for c in cells if clean(c)]
    short = all(len(clean(c)) <= 12 for c in cells)
    return short and len(named) >= 3 and "problem" in named


def _footnote(text: str) -> tuple[str, tuple[str, ...]] | None:
    """ "负有安全监管职责的部门：农业农村、…、体育等部门" → (group, members)."""
    match = _FOOTNOTE.match(clean(text))
    if not match or "、" not in match.group(2):
        return None
    body = re.sub(r"等(?:有关|相关)?(?:部门|单位)[。.]?$", "", match.group(2).strip())
    return match.group(1).strip(), tuple(m.strip() for m in body.split("、") if m.strip())


def _doc_date(lines: list[str]) -> date | None:
    for line in lines:
        match = _DOC_DATE.search(line)
        if match and "\t" not in line and len(clean(line)) <= 16:
            return date(int(match[1]), int(match[2]), int(match[3]))
    return None


def _assemble(raw_rows: list[list[str]], loose: list[str]) -> ParsedMeasureTable:
    """Rows of cell texts (header somewhere among them) plus lines outside the table."""
    at = next((i for i, row in enumerate(raw_rows) if _is_header(row)), None)
    if at is None:
        raise InvalidInput(
            "MEASURES_HEADER_MISSING", "未找到整改措施表的表头（问题类别、具体问题、整改措施、责任单位……）。"
        )
    headers = [clean(c) for c in raw_rows[at] if clean(c)]
    title_lines = [clean(" ".join(r)) for r in raw_rows[:at]] + loose
    title = "".join(t.replace(" ", "") for t in title_lines if t and t != "附件" and not _footnote(t) and len(t) > 4)
    groups: dict[str, tuple[str, ...]] = {}
    lines: list[list[list[str]]] = []
    for row in raw_rows[at + 1 :]:
        filled = [c for c in row if clean(c)]
        note = _footnote(filled[0]) if len(filled) == 1 else None
        if note:
            groups[note[0]] = note[1]
            continue
        if filled and not _is_header(row):  # a header repeated on the next page is skipped
            lines.append([_pieces(c) for c in row])
    for text in loose:
        note = _footnote(text)
        if note:
            groups[note[0]] = note[1]
    return build_table(title, headers, lines, groups, _doc_date(loose + [" ".join(r) for r in raw_rows]))


def parse_measures_text(text: str) -> ParsedMeasureTable:
    rows = [line.rstrip("\r").split("\t") for line in text.splitlines() if line.strip()]
    return _assemble(rows, [])


def parse_measures_markdown(text: str) -> ParsedMeasureTable:
    rows: list[list[str]] = []
    loose: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells if c):
                continue
            rows.append(cells)
        elif stripped:
            (loose if rows else rows).append([stripped] if not rows else stripped)  # type: ignore[arg-type]
    return _assemble(rows, loose)


def _docx_rows(data: bytes) -> tuple[list[list[str]], list[str]]:
    from docx import Document  # the Word library is loaded only for a Word file

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise InvalidInput("MEASURES_FORMAT_UNSUPPORTED", "无法读取该 Word 文件（不是有效的 .docx）。") from None
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    rows: list[list[str]] = [[p] for p in paragraphs[:3]]
    for table in document.tables:
        for row in table.rows:
            cells, previous = [], None
            for cell in row.cells:
                text = "\n".join(p.text for p in cell.paragraphs)
                cells.append("" if cell._tc is previous else text)  # a merged cell is read once
                previous = cell._tc
            rows.append(cells)
    return rows, paragraphs[3:]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # loaded only for a spreadsheet

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput("MEASURES_FORMAT_UNSUPPORTED", "无法读取该 Excel 文件（不是有效的 .xlsx）。") from None
    return [["" if v is None else str(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]


def parse_measures_file(filename: str, data: bytes) -> ParsedMeasureTable:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".txt":
        return parse_measures_text(decode_text(data))
    if suffix == ".md":
        return parse_measures_markdown(decode_text(data))
    if suffix == ".docx":
        rows, loose = _docx_rows(data)
        return _assemble(rows, loose)
    if suffix == ".xlsx":
        return _assemble(_xlsx_rows(data), [])
    raise InvalidInput("MEASURES_FORMAT_UNSUPPORTED", f"不支持的文件类型“{suffix}”，请上传 .txt、.md、.docx 或 .xlsx。")
