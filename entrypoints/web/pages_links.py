"""Files of a round for the office's desk: each unit's reply link (to copy or scan) and all comments in Excel.

Each unit's reply link on one page: copy it into a WeChat message, or show it as a QR code.

The QR code is an SVG drawn on the server (segno, pure Python): no script library, nothing inline.
"""

from __future__ import annotations

import io
from urllib.parse import quote

import segno
from fastapi import APIRouter, Request
from fastapi.responses import Response

from entrypoints.web.deps import AnyUser, ClockDep, Id, ReadUowDep, SettingsDep, Staff, UowDep
from entrypoints.web.pages_common import page
from workflow.reports.comments_xlsx import comments_workbook
from workflow.services.links import round_links, unit_link
from workflow.services.queries import round_summary

router = APIRouter(include_in_schema=False)


@router.get("/rounds/{round_id}/links")
def links_page(
    request: Request, round_id: Id, user: Staff, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> Response:
    summary = round_summary(uow, round_id)
    found = round_links(uow, clock, settings.secret_key, settings.base_url, round_id)
    return page(request, "round_links.html", user, r=summary, links=found)


@router.get("/rounds/{round_id}/links/{recipient_id}/qr.svg")
def link_qr(round_id: Id, recipient_id: Id, user: Staff, uow: ReadUowDep, settings: SettingsDep) -> Response:
    link = unit_link(uow, settings.secret_key, settings.base_url, round_id, recipient_id)
    out = io.BytesIO()
    segno.make(link.url, error="m").save(out, kind="svg", scale=4, border=2, title=f"{link.unit}的回复链接")
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get("/rounds/{round_id}/comments.xlsx")
def comments_excel(round_id: Id, user: AnyUser, uow: ReadUowDep) -> Response:
    """All comments with their decisions, as an Excel workbook (formula-safe cells)."""
    summary = round_summary(uow, round_id)
    name = quote(f"修改意见及采纳情况-{summary['doc_number']}.xlsx")
    return Response(
        comments_workbook(uow, round_id),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )
