"""Files people download, the same from the pages and the API: the round's documents in every
format, scans of sealed paper replies, the signed final document, and the unit directory as CSV or XLSX."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response

from kernel.clock import Clock
from kernel.errors import InvalidInput, NotFound
from storage.models import SignedDocument
from storage.uow import UnitOfWork
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.reports.render import render_report, render_tracking
from workflow.reports.units_export import export_units
from workflow.services.offices import office_profile

MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
}
_INLINE = {"html": "inline"}  # an HTML document opens in the browser; everything else is saved


def _disposition(kind: str, filename: str) -> str:
    return f"{kind}; filename*=UTF-8''{quote(filename)}"


def document_file(
    uow: UnitOfWork, round_id: int, kind: str, fmt: str, unit: str | None = None, rules: DocTypes = SHIPPED_TYPES
) -> Response:
    """One of the round's documents (letter, draft, task-table, reply-form, letter-package, adoption, explanation,
    review-package, audit), under the office's document types (``rules``: the letter states a shortened period
    in the type's unit)."""
    rendered = render_report(uow, round_id, kind, fmt, unit=unit, css_href="/documents/document.css", rules=rules)
    filename = rendered.filename or f"{kind}.{rendered.format}"
    return Response(
        rendered.data,
        media_type=MEDIA.get(rendered.format, "application/octet-stream"),
        headers={
            "Content-Disposition": _disposition("inline" if rendered.format == "html" else "attachment", filename)
        },
    )


def attachment_file(uow: UnitOfWork, attachment_id: int) -> Response:
    """A scan of a sealed paper reply, with its SHA-256 in ``X-Content-SHA256``."""
    row = uow.replies.attachment(attachment_id)
    if row is None:
        raise NotFound("ATTACHMENT_NOT_FOUND", "附件不存在。")
    return Response(
        row.data,
        media_type=row.content_type,
        headers={"Content-Disposition": _disposition("attachment", row.filename), "X-Content-SHA256": row.sha256},
    )


def signed_file(row: SignedDocument) -> Response:
    """The signed final document of an issued draft, with its SHA-256 in ``X-Content-SHA256``."""
    return Response(
        row.data,
        media_type=row.content_type,
        headers={"Content-Disposition": _disposition("attachment", row.filename), "X-Content-SHA256": row.sha256},
    )


def units_file(uow: UnitOfWork, office_id: int, fmt: str) -> Response:
    """The office's directory with the import's headers (categories in its profile's words): edit, import again."""
    data = export_units(list(uow.directory.units(office_id)), fmt, office_profile(uow, office_id))
    media = MEDIA["csv"] if fmt == "csv" else MEDIA["xlsx"]
    return Response(
        data, media_type=media, headers={"Content-Disposition": _disposition("attachment", f"单位名录.{fmt}")}
    )


def tracking_file(
    uow: UnitOfWork, clock: Clock, office_id: int, kind: str, fmt: str, month: str | None = None
) -> Response:
    """The measures table with the month's progress (docx, xlsx, html, md, json) or the monthly summary."""
    if kind not in ("measures", "progress-summary") or (fmt == "xlsx" and kind != "measures"):
        raise InvalidInput("REPORT_KIND_INVALID", f"文书类型“{kind}”（{fmt}）无效。")
    rendered = render_tracking(uow, clock, office_id, kind, fmt, month=month)
    filename = rendered.filename or f"{kind}.{rendered.format}"
    disposition = "inline" if rendered.format == "html" else "attachment"
    return Response(
        rendered.data,
        media_type=MEDIA.get(rendered.format, "application/octet-stream"),
        headers={"Content-Disposition": _disposition(disposition, filename)},
    )


def evidence_file(uow: UnitOfWork, evidence_id: int) -> Response:
    """An evidence file of a tracked item, with its SHA-256 in ``X-Content-SHA256``."""
    row = uow.tracking.evidence_file(evidence_id)
    if row is None:
        raise NotFound("EVIDENCE_NOT_FOUND", "佐证材料不存在。")
    return Response(
        row.data,
        media_type=row.content_type,
        headers={"Content-Disposition": _disposition("attachment", row.filename), "X-Content-SHA256": row.sha256},
    )
