"""Every public comment of a round with its group and decision, as CSV or Excel (never a name or contact)."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kernel.text import xml_safe
from kernel.timefmt import iso_beijing
from states.public_comment import CHANNEL_LABELS, KIND_LABELS, MODERATION_MACHINE, ModerationState
from storage.uow import UnitOfWork
from workflow.services.decisions import decision_text
from workflow.spreadsheet import safe_cell

HEADERS = (
    "编号", "回执号", "收到时间", "意见人类别", "渠道", "条目（原文）", "对应条目", "意见", "依据", "理由",
    "审核状态", "不予公开理由", "意见组", "采纳情况及理由",
)


def export_rows(uow: UnitOfWork, round_id: int) -> list[list[Any]]:
    groups = {g.id: g for g in uow.public.groups(round_id)}
    rows = []
    for c in uow.public.comments(round_id):
        group = groups.get(c.group_id) if c.group_id is not None else None
        decided = group is not None and group.outcome is not None and c.state != ModerationState.hidden
        rows.append(
            [
                c.id,
                c.receipt,
                iso_beijing(c.received_at),
                KIND_LABELS.get(c.kind, c.kind),
                CHANNEL_LABELS.get(c.channel, c.channel),
                c.target,
                c.anchor_label or "全文",
                c.text,
                c.basis,
                c.reason,
                MODERATION_MACHINE.label(c.state),
                c.moderation_reason if c.state == ModerationState.hidden else "",
                c.group_id or "",
                decision_text(group.outcome, group.reason) if decided and group is not None else "待决定",
            ]
        )
    return rows


def comments_csv(uow: UnitOfWork, round_id: int) -> bytes:
    """UTF-8 with a BOM (Excel and WPS open it as Chinese); formula-like cells kept as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in export_rows(uow, round_id):
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def comments_xlsx(uow: UnitOfWork, round_id: int) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "社会公众意见"
    sheet.append(list(HEADERS))
    for row in export_rows(uow, round_id):
        sheet.append([safe_cell(xml_safe(v) if isinstance(v, str) else v) for v in row])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, width in enumerate((6, 20, 18, 12, 10, 14, 16, 50, 24, 24, 10, 18, 8, 40)):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
