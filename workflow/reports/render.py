"""Rendering reports in the format asked for: JSON data, or documents (Markdown, HTML, DOCX)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from storage.uow import UnitOfWork
from workflow.errors import InvalidInput
from workflow.reports.adoption import adoption_table


@dataclass(frozen=True)
class Rendered:
    data: bytes
    format: str
    binary: bool = False


def _json(data: object) -> Rendered:
    return Rendered(json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8"), "json")


def report_data(uow: UnitOfWork, round_id: int, kind: str, unit: str | None = None) -> object:
    if kind == "adoption":
        return adoption_table(uow, round_id)
    from workflow.reports import documents_data

    return documents_data.build(uow, round_id, kind, unit=unit)


def render_report(uow: UnitOfWork, round_id: int, kind: str, fmt: str, *, unit: str | None = None) -> Rendered:
    if fmt == "json":
        return _json(report_data(uow, round_id, kind, unit))
    if fmt not in ("md", "html", "docx"):
        raise InvalidInput("REPORT_FORMAT_INVALID", f"格式“{fmt}”无效。")
    from workflow.reports.documents_render import render_document

    return render_document(uow, round_id, kind, fmt, unit=unit)
