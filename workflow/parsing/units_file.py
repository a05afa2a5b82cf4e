"""Unit directory files (CSV or XLSX) with English or Chinese headers."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import PurePath

from kernel.errors import InvalidInput
from workflow.parsing.draft_file import decode_text
from workflow.parsing.safe_zip import check_office_zip

_HEADERS = {
    "name": "name",
    "名称": "name",
    "单位名称": "name",
    "单位": "name",
    "category": "category",
    "类别": "category",
    "单位类别": "category",
    "aliases": "aliases",
    "别名": "aliases",
    "简称": "aliases",
    "contact": "contact",
    "联系人": "contact",
    "phone": "phone",
    "电话": "phone",
    "联系电话": "phone",
    "email": "email",
    "邮箱": "email",
    "邮件": "email",
    "电子邮箱": "email",
    "e-mail": "email",
    "webhook": "webhook",
}
_ALIAS_SPLIT = re.compile(r"[;；、]")


@dataclass(frozen=True)
class UnitRecord:
    name: str
    category: str
    aliases: tuple[str, ...] = ()
    contact: str = ""
    phone: str = ""
    email: str = ""
    webhook: str = ""


def _rows_csv(data: bytes) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(decode_text(data)))]


def _rows_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    check_office_zip(data, "Excel 文件", "UNITS_FORMAT_UNSUPPORTED")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception:  # a foreign file may break openpyxl in any way: it is unreadable, not a server fault
        raise InvalidInput("UNITS_FORMAT_UNSUPPORTED", "无法读取该 Excel 文件（不是有效的 .xlsx）。") from None


def parse_units_file(filename: str, data: bytes) -> list[UnitRecord]:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        rows = _rows_csv(data)
    elif suffix == ".xlsx":
        rows = _rows_xlsx(data)
    else:
        raise InvalidInput(
            "UNITS_FORMAT_UNSUPPORTED", f"不支持的单位名录格式“{suffix or filename}”，仅支持 .csv、.xlsx。"
        )
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InvalidInput("UNITS_EMPTY", "单位名录文件是空的。")
    columns: list[str] = []
    for header in rows[0]:
        key = _HEADERS.get(header.strip().lower()) or _HEADERS.get(header.strip())
        if key is None:
            raise InvalidInput(
                "UNITS_HEADER_INVALID",
                f"无法识别的表头“{header}”。可用表头：名称,类别,别名,联系人,电话,邮箱,webhook。",
                column=header,
            )
        columns.append(key)
    if "name" not in columns:
        raise InvalidInput("UNITS_HEADER_INVALID", "单位名录缺少“名称”（name）列。")
    records: list[UnitRecord] = []
    seen: set[str] = set()
    for n, row in enumerate(rows[1:], 2):
        values = {col: (row[i].strip() if i < len(row) else "") for i, col in enumerate(columns)}
        name = values.get("name", "")
        if not name:
            raise InvalidInput("UNITS_ROW_INVALID", f"第{n}行缺少单位名称。", row=n)
        if name in seen:
            raise InvalidInput("UNITS_DUPLICATE", f"第{n}行：单位“{name}”重复出现。", row=n)
        seen.add(name)
        aliases = tuple(a.strip() for a in _ALIAS_SPLIT.split(values.get("aliases", "")) if a.strip())
        records.append(
            UnitRecord(
                name=name,
                category=values.get("category", ""),
                aliases=aliases,
                contact=values.get("contact", ""),
                phone=values.get("phone", ""),
                email=values.get("email", ""),
                webhook=values.get("webhook", ""),
            )
        )
    return records
