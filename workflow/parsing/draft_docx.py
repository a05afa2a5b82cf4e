"""Word drafts: paragraphs and the task-division table(s), or, without one, the paragraphs' articles
(第X章 / 第X条 …) or numbered headings.

Tables may repeat their header row on every page (as a marked header row or as a literal row)
and may be split into several tables; 序号/任务 cells are usually merged vertically, which
python-docx reports as the same underlying cell in each row — such a cell starts no new task.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument

from kernel.errors import DomainError, InvalidInput
from workflow.parsing.body import find_parts, find_title
from workflow.parsing.docx_numbering import numbered_texts
from workflow.parsing.draft_model import ParsedDraft
from workflow.parsing.draft_structure import parse_structure
from workflow.parsing.safe_zip import check_office_zip
from workflow.parsing.table_rows import TaskTableBuilder, clean, is_header


def parse_draft_docx(data: bytes) -> ParsedDraft:
    """The draft in a Word file, after ``safe_zip`` found the archive safe to open; whatever else a broken
    file makes python-docx or lxml raise is ``DRAFT_DOCX_INVALID``, never a 500."""
    check_office_zip(data, "Word 文件", "DRAFT_DOCX_INVALID")
    try:
        return _parse(Document(io.BytesIO(data)))
    except DomainError:
        raise
    except Exception:  # a foreign file may break python-docx in any way: it is unreadable, not a server fault
        raise InvalidInput("DRAFT_DOCX_INVALID", "无法读取该 Word 文件（不是有效的 .docx）。") from None


def _parse(document: DocxDocument) -> ParsedDraft:
    # Word's automatic numbers (第X条, 一、…) are not in a paragraph's text: drawn from numbering.xml, put back.
    body = [clean(text) for text in numbered_texts(document) if clean(text)]
    builder = TaskTableBuilder()
    row_no = 0
    found = False
    for table in document.tables:
        previous: list[object] = []
        last_texts = ("", "")
        for row in table.rows:
            row_no += 1
            cells = row.cells
            distinct: list = []  # type: ignore[type-arg]
            for cell in cells:  # horizontally merged cells repeat: keep each once
                if not distinct or cell._tc is not distinct[-1]._tc:
                    distinct.append(cell)
            texts = [c.text for c in distinct]
            if is_header(texts):
                found = True
                previous = []
                continue
            if not found or len(distinct) < 4:
                continue
            tcs = [c._tc for c in distinct[:2]]
            # A merged cell is the same element in each row; a flattened merge repeats the text.
            same_number = (bool(previous) and tcs[0] is previous[0]) or clean(texts[0]) == last_texts[0] != ""
            same_title = (bool(previous) and tcs[1] is previous[1]) or (
                same_number and clean(texts[1]) == last_texts[1]
            )
            number = "" if same_number else texts[0]
            title = "" if same_title else texts[1]
            previous = tcs
            if not same_number:
                last_texts = (clean(texts[0]), clean(texts[1]))
            builder.add_row(number, title, texts[2], "".join(texts[3:]), line=row_no)
    if not found:  # no task table: the paragraphs' articles or numbered headings
        return parse_structure(body)
    if builder.empty:
        raise InvalidInput("DRAFT_TABLE_UNPARSEABLE", "重点任务分工表中没有任务行。", line=0)
    while body and body[-1] in ("重点任务分工",):
        body.pop()
    return ParsedDraft(title=find_title(body), body=tuple(body), parts=find_parts(body), tasks=builder.build())
