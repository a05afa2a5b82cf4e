"""The unit's monthly progress page (/p/<token>): no account, one card per item, usable on a phone."""

from __future__ import annotations

from dataclasses import fields

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from entrypoints.web.deps import ClockDep, LinkVisitDep, UowDep
from entrypoints.web.forms import EVIDENCE_SUFFIXES, read_upload
from entrypoints.web.render import templates
from workflow.services.progress import EntryInput, EvidenceInput
from workflow.services.progress_link import progress_form_token, progress_page, submit_progress_link

router = APIRouter(include_in_schema=False)


@router.get("/p/{token}")
def progress_form(request: Request, visit: LinkVisitDep, uow: UowDep, clock: ClockDep, sent: int = 0) -> Response:
    shown = progress_page(uow, clock, visit)
    context = {f.name: getattr(shown, f.name) for f in fields(shown)}
    return templates.TemplateResponse(
        request,
        "progress_reply.html",
        {
            **context,
            "user": None,
            "token": visit.token,
            "csrf": progress_form_token(request.app.state.secret, visit.token),
            "sent": bool(sent),
        },
    )


@router.post("/p/{token}")
async def progress_submit(request: Request, visit: LinkVisitDep, uow: UowDep, clock: ClockDep) -> Response:
    raw = await request.form()
    entries: list[EntryInput] = []
    evidence: list[EvidenceInput] = []
    for key in raw:
        if not key.startswith("status_") or not key[7:].isdigit():
            continue
        item_id = int(key[7:])
        entries.append(EntryInput(item_id, str(raw.get(key) or ""), str(raw.get(f"text_{item_id}") or "")))
        for upload in raw.getlist(f"evidence_{item_id}"):
            if isinstance(upload, UploadFile) and upload.filename:
                data = await read_upload(upload, EVIDENCE_SUFFIXES) or b""
                evidence.append(EvidenceInput(item_id, upload.filename, upload.content_type or "", data))
    token = raw.get("csrf_token")
    submit_progress_link(
        uow,
        clock,
        visit,
        form_token=token if isinstance(token, str) else "",
        secret=request.app.state.secret,
        entries=entries,
        evidence=evidence,
    )
    return RedirectResponse(f"/p/{visit.token}?sent=1", status_code=303)
