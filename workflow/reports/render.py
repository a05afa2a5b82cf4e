"""Rendering reports in the format asked for: JSON data, or documents (Markdown, HTML, DOCX, ZIP)."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from dataclasses import dataclass

from documents.docx_writer import render_docx, render_docx_series
from documents.html_writer import render_html
from documents.md_writer import render_markdown
from documents.model import OfficialDocument
from kernel.clock import Clock
from kernel.errors import InvalidInput
from storage.uow import UnitOfWork
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.reports import official, tracking
from workflow.reports.adoption import adoption_table
from workflow.reports.attachments import letter_package, zip_entry_name
from workflow.services._common import load_round
from workflow.services.audit import events_csv, export_events, verify


@dataclass(frozen=True)
class Rendered:
    data: bytes
    format: str
    binary: bool = False
    filename: str = ""


def _json(data: object) -> Rendered:
    return Rendered(json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8"), "json")


def _document_json(doc: OfficialDocument) -> dict[str, object]:
    def convert(value: object) -> object:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {"type": type(value).__name__, **{k: convert(v) for k, v in dataclasses.asdict(value).items()}}
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        return value

    return convert(doc)  # type: ignore[return-value]


def _one(doc: OfficialDocument, fmt: str, css_href: str | None = None) -> Rendered:
    if fmt == "docx":
        return Rendered(render_docx(doc), "docx", binary=True, filename=f"{doc.title}.docx")
    if fmt == "html":
        return Rendered(render_html(doc, css_href=css_href).encode("utf-8"), "html", filename=f"{doc.title}.html")
    return Rendered(render_markdown(doc).encode("utf-8"), "md", filename=f"{doc.title}.md")


def _reply_forms_zip(uow: UnitOfWork, round_id: int, fmt: str) -> bytes:
    """Every unit's reply form, pre-filled, in one ZIP: the round loaded once, and the Word files laid out
    once and filled in per unit (``render_docx_series``), so 500 units take a moment, not half a minute."""
    forms = official.reply_forms(uow, round_id)
    docs = [forms.document(u) for u in forms.units]
    if fmt == "docx":
        files = [(u.name, "docx", data) for u, data in zip(forms.units, render_docx_series(docs), strict=True)]
    else:
        rendered = [_one(d, fmt) for d in docs]
        files = [(u.name, one.format, one.data) for u, one in zip(forms.units, rendered, strict=True)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, ext, data in files:
            # a DOCX is a ZIP already: stored as it is, not compressed twice
            stored = zipfile.ZIP_STORED if ext == "docx" else zipfile.ZIP_DEFLATED
            archive.writestr(f"回复表-{zip_entry_name(name)}.{ext}", data, compress_type=stored)
    return buf.getvalue()


def render_tracking(
    uow: UnitOfWork, clock: Clock, office_id: int, kind: str, fmt: str, *, month: str | None = None,
    table_id: int | None = None,
) -> Rendered:
    """The measures table with the month's progress (DOCX, XLSX, HTML, Markdown, JSON) or the monthly summary."""
    if kind == "measures":
        if fmt == "xlsx":
            data = tracking.measures_xlsx(uow, clock, office_id, table_id=table_id, month=month)
            return Rendered(data, "xlsx", binary=True, filename="整改措施表.xlsx")
        if fmt == "json":
            rows = tracking.measures_rows(uow, clock, office_id, table_id=table_id, month=month)
            return _json({"title": rows["table"].title, "month": rows["round"].month if rows["round"] else None,
                          "rows": rows["rows"]})
        return _one(tracking.measures_document(uow, clock, office_id, table_id=table_id, month=month), fmt)
    if fmt == "json":
        return _json(tracking.progress_summary(uow, clock, office_id, month))
    return _one(tracking.summary_document(uow, clock, office_id, month), fmt)


def render_report(
    uow: UnitOfWork,
    round_id: int,
    kind: str,
    fmt: str,
    *,
    unit: str | None = None,
    rules: DocTypes = SHIPPED_TYPES,
    css_href: str | None = None,
) -> Rendered:
    """One document in ``fmt``; an HTML one links ``css_href`` instead of carrying its stylesheet inline.
    ``letter-package`` is the letter with its attachments as Word files in one ZIP."""
    if fmt == "csv" and kind == "audit":
        # With a BOM, so Excel and WPS open the Chinese text correctly; the hashes let anyone re-verify.
        return Rendered(events_csv(export_events(uow, round_id)).encode("utf-8-sig"), "csv", filename="审计记录.csv")
    if fmt not in ("json", "md", "html", "docx"):
        raise InvalidInput("REPORT_FORMAT_INVALID", f"格式“{fmt}”无效。")
    if kind == "letter-package":
        if fmt != "docx":
            raise InvalidInput(
                "REPORT_FORMAT_INVALID", "征求意见函及附件只提供 Word 文件（ZIP 打包），请用 docx 格式。"
            )
        doc_number = load_round(uow, round_id).doc_number
        name = zip_entry_name(f"{doc_number}征求意见函及附件") + ".zip"
        return Rendered(letter_package(uow, round_id, rules), "zip", binary=True, filename=name)
    if fmt == "json":
        signed = uow.checkpoint() if kind in ("adoption", "audit") else None
        checkpoint = signed.to_dict() if signed else None
        if kind == "adoption":
            return _json({**adoption_table(uow, round_id), "audit_checkpoint": checkpoint})
        if kind == "audit":
            verdict = verify(uow)
            return _json(
                {
                    "verification": dataclasses.asdict(verdict),
                    "audit_checkpoint": checkpoint,
                    "events": export_events(uow, round_id),
                }
            )
        return _json(_document_json(official.build(uow, round_id, kind, unit, rules)))
    if kind == "reply-form" and unit is None:
        return Rendered(_reply_forms_zip(uow, round_id, fmt), "zip", binary=True, filename="回复表.zip")
    return _one(official.build(uow, round_id, kind, unit, rules), fmt, css_href)


__all__ = ["Rendered", "render_report", "render_tracking", "zip_entry_name"]
