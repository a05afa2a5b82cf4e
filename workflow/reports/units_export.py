"""The unit directory as a file the office edits in Excel/WPS and imports again unchanged.

Same Chinese headers and alias separator as the import, so export → edit → import round-trips;
CSV carries a BOM for Excel, cells that a spreadsheet would run as formulas get an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from kernel.errors import InvalidInput
from kernel.text import xml_safe
from storage.models import Unit
from workflow.profiles import OfficeProfile
from workflow.spreadsheet import safe_cell

HEADERS = ("名称", "类别", "别名", "联系人", "电话", "邮箱", "webhook")


def _row(unit: Unit, profile: OfficeProfile) -> list[str]:
    aliases = "；".join(json.loads(unit.aliases or "[]"))
    label = profile.category_label(unit.category)
    return [unit.name, label, aliases, unit.contact, unit.phone, unit.email, unit.webhook]


def export_units(units: Sequence[Unit], fmt: str, profile: OfficeProfile) -> bytes:
    """The office's directory; categories are written as its profile prints them, so they import back."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(HEADERS)
        writer.writerows([[safe_cell(v) for v in _row(u, profile)] for u in units])
        return buf.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "单位名录"
        sheet.append(list(HEADERS))
        for unit in units:
            # Defence in depth: unit fields are checked when entered, but a character XML cannot carry
            # must never make the export fail (openpyxl raises IllegalCharacterError).
            sheet.append([xml_safe(v) if isinstance(v, str) else v for v in _row(unit, profile)])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # openpyxl would store "=…" as a formula; keep it as the text it is
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise InvalidInput("UNITS_FORMAT_UNSUPPORTED", f"不支持导出为“{fmt}”，可选：csv、xlsx。")
