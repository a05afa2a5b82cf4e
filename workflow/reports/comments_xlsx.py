"""All comments of a round with their decisions, as an Excel workbook (for the office's own records and WPS)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from storage.uow import UnitOfWork
from workflow.services.queries import round_status
from workflow.spreadsheet import safe_cell

HEADERS = ("序号", "单位", "条目", "修改意见", "依据", "理由", "采纳情况", "采纳理由", "落实于", "备注")
WIDTHS = (6, 18, 14, 50, 24, 24, 10, 40, 14, 12)


def _row(n: int, c: dict[str, Any]) -> list[Any]:
    return [
        n,
        c["unit"],
        c["target"] or "未指明条目",
        c["text"],
        c["basis"],
        c["comment_reason"],
        c["decision_label"] or "待决定",
        c["reason"],
        c["change_display"] or "",  # 序号8, 第五条, or where that item is now (现第六条（原第五条）)
        "；".join(x for x in ("逾期纳入" if c["late_admitted"] else "", _now(c)) if x),
    ]


def _now(c: dict[str, Any]) -> str:
    """Where the comment's item is in the current version, when a revision moved, split or deleted it."""
    anchor = c.get("anchor")
    moved = anchor and (anchor["removed"] or anchor["moved_from"] or anchor["split_into"])
    return f"条目{anchor['display']}" if anchor and moved else ""


def comments_workbook(uow: UnitOfWork, round_id: int) -> bytes:
    """One sheet, one row per comment in the decision queue; text that Excel would run is kept as text."""
    status = round_status(uow, round_id)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "修改意见及采纳情况"
    sheet.append(list(HEADERS))
    for n, comment in enumerate(status["comments"], 1):
        sheet.append([safe_cell(v) for v in _row(n, comment)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # openpyxl would store "=…" as a formula; keep it as the text it is
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
