"""The justice bureau's pages: what is waiting, the review package with the verified audit trail,
and the verdict. Reviewers read everything of a round but change nothing except the review."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile

from documents.html_writer import TableWindow, render_html
from documents.model import OfficialDocument, Table
from entrypoints.web.deps import ClockDep, Id, ReadUowDep, Reviewer, ReviewerWrite, RulesDep, SettingsDep, UowDep
from entrypoints.web.forms import read_upload
from entrypoints.web.render import templates
from kernel.clock import Clock
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.doc_types import DocTypes
from workflow.reports import official
from workflow.services.accounts import CurrentUser
from workflow.services.audit import count_events
from workflow.services.audit_view import audit_lines
from workflow.services.chain_watch import check_chain
from workflow.services.checkpoints import CheckpointReport, verify_stored, verify_text
from workflow.services.process_view import process_status
from workflow.services.queries import review_queue_page, round_summary
from workflow.services.review import UploadedFile, record_review

router = APIRouter(include_in_schema=False)


def body_of(html: str) -> str:
    start, end = html.find("<body>"), html.rfind("</body>")
    return html[start + 6 : end] if start >= 0 and end > start else html


@router.get("/review")
def review_list(request: Request, user: Reviewer, uow: ReadUowDep, show: str = "", p: int = 1) -> Response:
    """Every office's review requests this reviewer serves, in one queue, each row naming its office: 50 a
    page (``p``), ``show`` = ``pending`` (awaiting the verdict) or ``all``; by default what waits, or
    everything when nothing does (``review_queue_page`` says why)."""
    queue = review_queue_page(uow, show=show, page=p)
    return templates.TemplateResponse(request, "review_list.html", {"user": user, **queue})


@router.get("/review/rounds/{round_id}")
def review_page(
    request: Request,
    round_id: Id,
    user: Reviewer,
    uow: ReadUowDep,
    clock: ClockDep,
    settings: SettingsDep,
    rules: RulesDep,
    full: bool = False,
    ap: int = 0,
) -> Response:
    """``full``: verify the whole chain now; ``ap``: which page of the round's audit trail (0: the newest)."""
    return _page(request, round_id, user, uow, clock, settings, rules, None, full=full, audit_page=ap)


@router.post("/review/rounds/{round_id}/checkpoint")
async def review_checkpoint(
    request: Request,
    round_id: Id,
    user: ReviewerWrite,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    rules: RulesDep,
    checkpoint: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The reviewer proves the database against a checkpoint file they kept (or were sent)."""
    data = await read_upload(checkpoint, (".json", ".jsonl"))
    name = (checkpoint.filename or "") if checkpoint else ""
    # Recomputing the chain takes a while on a long trail: off the event loop, like every other page.
    report = await run_in_threadpool(verify_text, uow, settings, data or b"", name)
    return await run_in_threadpool(_page, request, round_id, user, uow, clock, settings, rules, report, full=True)


def _page(
    request: Request,
    round_id: int,
    user: CurrentUser,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    rules: DocTypes,
    uploaded: CheckpointReport | None,
    *,
    full: bool = False,
    audit_page: int = 0,
) -> Response:
    # The page shows the round's summary (not every recipient and comment: the package below lists them),
    # one page of the audit trail (paged and counted in SQL), and the package, all from one decision queue.
    status = {"round": round_summary(uow, round_id)}
    chain = check_chain(uow, clock, round_id, full=full)
    stored = verify_stored(uow, settings, chain.verdict)
    queue = uow.replies.decision_queue(round_id)
    audit = audit_window(count_events(uow, round_id), audit_page)
    events = audit_lines(uow, round_id, queue, offset=audit["start"], limit=audit["end"] - audit["start"])
    doc = official.build(uow, round_id, "review-package", None, rules, queue)
    package = body_of(render_html(doc, windows=package_windows(doc, request.query_params)))
    pending = uow.rounds.pending_review(round_id) is not None
    notice = {"approved": "已登记：审查通过。", "returned": "已登记：退回修改。"}.get(
        request.query_params.get("ok", "")
    )
    return templates.TemplateResponse(
        request,
        "review.html",
        {
            "user": user,
            "s": status,
            "verdict": chain.verdict,
            "chain": chain,
            "audit": audit,
            "stored": stored,
            "uploaded": uploaded,
            "events": events,
            "package_html": package,
            "pending": pending,
            "notice": notice,
            "process": process_status(uow, round_id, rules),
            "signed": uow.process.signed_documents(round_id),
        },
    )


AUDIT_PER_PAGE = 200
PACKAGE_ROWS_PER_PAGE = 100


def package_windows(doc: OfficialDocument, query: Mapping[str, str]) -> dict[int, TableWindow]:
    """The rows the page shows of the package's long tables (the adoption table and the decisions hold
    a row per comment): ``PACKAGE_ROWS_PER_PAGE`` at a time, table ``n`` (1: the package's first table)
    at page ``t<n>`` of the query, with a pager above and below naming the total (printed too, so a
    printed page says what it leaves out). The Word file keeps every row."""
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    pager = templates.env.get_template("_table_pager.html")
    windows: dict[int, TableWindow] = {}
    for n, table in enumerate(tables, 1):
        total = len(table.rows)
        if total <= PACKAGE_ROWS_PER_PAGE:
            continue
        key = f"t{n}"
        pages = -(-total // PACKAGE_ROWS_PER_PAGE)
        asked = query.get(key, "")
        page = min(max(int(asked), 1), pages) if asked.isdigit() else 1
        start = (page - 1) * PACKAGE_ROWS_PER_PAGE
        end = min(total, start + PACKAGE_ROWS_PER_PAGE)
        kept = {k: v for k, v in query.items() if k == "ap" or (k[:1] == "t" and k[1:].isdigit())}

        def link(to: int, key: str = key, kept: dict[str, str] = kept) -> str:
            return "?" + urlencode({**kept, key: str(to)}) + f"#package-{key}"

        facts = {
            "number": n, "total": total, "start": start, "end": end, "page": page, "pages": pages,
            "first": link(1), "prev": link(page - 1), "next": link(page + 1), "last": link(pages),
        }  # fmt: skip
        windows[n - 1] = TableWindow(
            start,
            end,
            Markup(pager.render(t={**facts, "anchor": f"package-{key}"})),
            Markup(pager.render(t={**facts, "anchor": ""})),
        )
    return windows


def audit_window(total: int, page: int) -> dict[str, int]:
    """Which of a round's ``total`` audit lines a page shows: the newest ``AUDIT_PER_PAGE`` (page 0), or an
    earlier page (1 is the oldest); the CSV and the report keep the whole trail."""
    pages = max(1, -(-total // AUDIT_PER_PAGE))
    page = pages if page <= 0 else min(page, pages)
    start = (page - 1) * AUDIT_PER_PAGE
    return {"page": page, "pages": pages, "start": start, "end": min(total, start + AUDIT_PER_PAGE), "total": total}


@router.post("/review/rounds/{round_id}")
async def review_submit(
    request: Request, round_id: Id, user: ReviewerWrite, uow: UowDep, clock: ClockDep, rules: RulesDep
) -> Response:
    form = await request.form()
    text = {k: v for k, v in form.items() if isinstance(v, str)}
    # The checklist: check_<point> = lawful|amend|unlawful and note_<point>; none answered: a free opinion only.
    checklist = {
        k.removeprefix("check_"): (v, text.get("note_" + k.removeprefix("check_"), ""))
        for k, v in text.items()
        if k.startswith("check_") and v
    }
    upload = form.get("opinion_file")
    document = None
    if isinstance(upload, StarletteUploadFile) and upload.filename:
        document = UploadedFile(upload.filename, await read_upload(upload, (".pdf", ".docx")) or b"")
    review = record_review(
        uow,
        clock,
        user.actor,
        round_id,
        approve=text.get("result") == "approve",
        reviewer=user.display_name,
        opinion=text.get("opinion", ""),
        checklist=checklist,
        changes=text.get("changes", ""),
        document=document,
        rules=rules,
    )
    return RedirectResponse(f"/review/rounds/{round_id}?ok={review.state}", status_code=303)
