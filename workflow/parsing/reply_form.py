"""A filled-in 回复表 (the Word reply form the notice carries), read back into comments.

Units print, stamp and return the form, and often e-mail the .docx too; reading it saves the clerk
from retyping every comment. Columns are found by their headers (条目 / 修改意见 / 依据 / 理由),
so a unit that added rows or widened columns is still read correctly.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kernel.errors import DomainError, InvalidInput
from workflow.comment_input import CommentInput
from workflow.parsing.safe_zip import check_office_zip

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_COLUMNS = (("条目", "target"), ("修改意见", "text"), ("依据", "basis"), ("理由", "reason"))
_BLANK = re.compile(r"[\s＿_　]+")


@dataclass(frozen=True)
class ParsedReplyForm:
    unit_name: str
    no_comments: bool
    comments: list[CommentInput] = field(default_factory=list)


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _text(value: str) -> str:
    return value.replace("\u3000", " ").strip()


def parse_reply_form(data: bytes) -> ParsedReplyForm:
    """Comments, the declared 无修改意见 and the unit name from a filled-in reply form (checked by
    ``safe_zip`` first; anything a broken file makes python-docx raise is ``REPLY_FORM_UNREADABLE``)."""
    # Imported here: every reply goes through the service that imports this module, few with a Word form,
    # and python-docx takes 70 ms to import (a CLI call is a new process).
    from docx import Document

    check_office_zip(data, "Word 回复表", "REPLY_FORM_UNREADABLE")
    try:
        return _parse(Document(io.BytesIO(data)))
    except DomainError:
        raise
    except Exception:  # a foreign file may break python-docx in any way: it is unreadable, not a server fault
        raise InvalidInput("REPLY_FORM_UNREADABLE", "无法读取该回复表（不是有效的 Word .docx 文件）。") from None


def _parse(document: DocxDocument) -> ParsedReplyForm:
    unit_name, no_comments = "", False
    for paragraph in document.paragraphs:
        text = _text(paragraph.text)
        if text.startswith("单位名称"):
            unit_name = _BLANK.sub("", text.split("：", 1)[-1].split("联系人", 1)[0])
        elif text.startswith("如无修改意见"):
            no_comments = "无" in _BLANK.sub("", text.rsplit("：", 1)[-1])
    comments: list[CommentInput] = []
    found = False
    for table in document.tables:
        rows = table.rows
        if not rows:
            continue
        header = [_text(c.text) for c in rows[0].cells]
        columns = {key: next((i for i, h in enumerate(header) if label in h), None) for label, key in _COLUMNS}
        if columns["text"] is None:
            continue
        found = True
        for n, row in enumerate(rows[1:], 2):
            cells = [_text(c.text) for c in row.cells]
            if cells == header:
                continue  # a header row repeated on the next page
            values = {key: _cell(cells, index) for key, index in columns.items()}
            if not values["text"]:
                if values["target"] or values["basis"] or values["reason"]:
                    raise InvalidInput(
                        "REPLY_FORM_ROW_INVALID", f"回复表第{n}行填写了条目、依据或理由，但没有修改意见。", row=n
                    )
                continue
            comments.append(CommentInput(**values))
    if not found:
        raise InvalidInput("REPLY_FORM_NO_TABLE", "该文件中没有找到回复表的意见表格（表头应含“修改意见”）。")
    if comments and no_comments:
        raise InvalidInput("REPLY_KIND_CONFLICT", "回复表中既注明“无修改意见”又填写了修改意见，请核实。")
    if not comments and not no_comments:
        raise InvalidInput("COMMENTS_EMPTY", "回复表中没有填写修改意见，也没有注明“无修改意见”。")
    return ParsedReplyForm(unit_name, no_comments, comments)
