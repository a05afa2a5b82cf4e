"""Downloads: the round's documents in every format, and scans of sealed paper replies."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from entrypoints.web.deps import AnyUser, new_uow
from workflow.reports.render import render_report

router = APIRouter(include_in_schema=False)


MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
}


@router.get("/rounds/{round_id}/documents/{kind}.{fmt}")
def document(request: Request, round_id: int, kind: str, fmt: str, user: AnyUser, unit: str | None = None) -> Response:
    with new_uow(request) as uow:
        rendered = render_report(uow, round_id, kind, fmt, unit=unit)
    filename = rendered.filename or f"{kind}.{rendered.format}"
    disposition = "inline" if rendered.format in ("html",) else "attachment"
    return Response(
        rendered.data,
        media_type=MEDIA.get(rendered.format, "application/octet-stream"),
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}"},
    )


@router.get("/attachments/{attachment_id}")
def attachment(request: Request, attachment_id: int, user: AnyUser) -> Response:
    from kernel.errors import NotFound

    with new_uow(request) as uow:
        row = uow.accounts.attachment(attachment_id)
        if row is None:
            raise NotFound("ATTACHMENT_NOT_FOUND", "附件不存在。")
        data, name, ctype, digest = row.data, row.filename, row.content_type, row.sha256
    return Response(
        data,
        media_type=ctype,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}", "X-Content-SHA256": digest},
    )
