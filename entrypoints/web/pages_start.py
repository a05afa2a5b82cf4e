"""Dashboard and starting a round: upload and check the draft, pick units, set the deadline, preview the letter."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from entrypoints.web.deps import AnyUser, Staff, check_csrf, clock_of, new_uow, office_id_of, settings_of
from entrypoints.web.forms import (
    store_uploaded_draft,
)
from entrypoints.web.pages_common import back, page
from kernel.errors import InvalidInput
from kernel.timefmt import to_beijing
from workflow.calendar import read_deadline
from workflow.reports.official import letter_document
from workflow.services.dashboard import dashboard
from workflow.services.rounds import DEFAULT_REQUIREMENTS, StartRound, start_round

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, user: AnyUser) -> Response:
    if user.role == "reviewer":
        return RedirectResponse("/review", status_code=303)
    with new_uow(request) as uow:
        data = dashboard(uow, clock_of(request), request.app.state.health_policy)
    return page(request, "dashboard.html", user, **data)


@router.get("/rounds/new")
def new_round(request: Request, user: Staff, draft: int | None = None) -> Response:
    with new_uow(request) as uow:
        drafts = [d for d in uow.drafts.all() if d.state == "drafting"]
        chosen = uow.drafts.get(draft) if draft else None
        tasks = []
        if chosen is not None:
            version = uow.drafts.version(chosen.id or 0, chosen.current_version)
            tasks = uow.drafts.tasks(version.id or 0) if version else []
        units = list(uow.directory.units())
    return page(
        request,
        "round_new.html",
        user,
        drafts=drafts,
        chosen=chosen,
        tasks=tasks,
        units=units,
        requirements=DEFAULT_REQUIREMENTS,
        today=to_beijing(clock_of(request).now()).date(),
    )


@router.post("/drafts")
async def upload_draft(
    request: Request,
    user: Staff,
    csrf_token: Annotated[str, Form()],
    title: Annotated[str, Form()],
    issuer: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> Response:
    check_csrf(user, csrf_token)
    stored = await store_uploaded_draft(request, user, file, title=title, issuer=issuer)
    return back(f"/rounds/new?draft={stored.draft_id}", "draft_uploaded")


def _start_command(request: Request, form: dict[str, object], office_id: int) -> StartRound:
    from workflow.calendar import CalendarConfig, WorkCalendar, deadline_after_workdays

    workdays = str(form.get("workdays") or "").strip()
    deadline_text = str(form.get("deadline") or "").strip()
    warning = ""
    if workdays:
        try:
            n = int(workdays)
        except ValueError:
            raise InvalidInput("WORKDAYS_INVALID", "工作日数须为整数。") from None
        calendar = WorkCalendar(CalendarConfig.from_mapping(settings_of(request).section("calendar")))
        deadline, result = deadline_after_workdays(to_beijing(clock_of(request).now()).date(), n, calendar)
        warning = "；".join(result.warnings)
    elif deadline_text:
        deadline = read_deadline(deadline_text, settings_of(request).section("calendar"))
    else:
        raise InvalidInput("DEADLINE_REQUIRED", "请填写截止时间或工作日数。")
    letter_text = str(form.get("letter_date") or "").strip()
    try:
        letter_date = date.fromisoformat(letter_text) if letter_text else None
    except ValueError:
        raise InvalidInput("DATE_INVALID", f"成文日期“{letter_text}”格式不正确。") from None
    return StartRound(
        draft_id=int(str(form.get("draft_id") or 0)),
        office_id=office_id,
        doc_number=str(form.get("doc_number") or ""),
        deadline=deadline,
        contact=str(form.get("contact") or ""),
        phone=str(form.get("phone") or ""),
        unit_names=_strings(form.get("units")),
        categories=_strings(form.get("categories")),
        letter_date=letter_date,
        basis=str(form.get("basis") or ""),
        requirements=str(form.get("requirements") or DEFAULT_REQUIREMENTS),
        deadline_warning=warning,
    )


def _strings(values: object) -> list[str]:
    return [str(x) for x in values] if isinstance(values, list) else []


async def _form(request: Request) -> dict[str, object]:
    raw = await request.form()
    data: dict[str, object] = {k: raw.get(k) for k in raw}
    data["units"] = raw.getlist("units")
    data["categories"] = raw.getlist("categories")
    return data


@router.post("/rounds/preview")
async def preview_letter(request: Request, user: Staff) -> Response:
    form = await _form(request)
    check_csrf(user, str(form.get("csrf_token") or ""))
    from documents.html_writer import render_html
    from workflow.categories import parse_category
    from workflow.doc_number import parse_doc_number

    with new_uow(request) as uow:
        office = uow.directory.configured_office(settings_of(request).office_name)
        cmd = _start_command(request, form, office_id_of(request, uow))
        draft = uow.drafts.get(cmd.draft_id)
        units = list(uow.directory.units())
        categories = {parse_category(c).value for c in cmd.categories}
        categories |= {u.category for u in units if u.name in cmd.unit_names}
    doc = letter_document(
        draft_title=draft.title if draft else "",
        office_name=office.name if office else "",
        office_short=office.short_name if office else "",
        doc_number=str(parse_doc_number(cmd.doc_number)),
        deadline=cmd.deadline,
        letter_date=cmd.letter_date or to_beijing(clock_of(request).now()).date(),
        contact=cmd.contact,
        phone=cmd.phone,
        basis=cmd.basis,
        requirements=cmd.requirements,
        categories=categories or {"member_unit"},
    )
    return Response(render_html(doc), media_type="text/html; charset=utf-8")


@router.post("/rounds")
async def create_round(request: Request, user: Staff) -> Response:
    form = await _form(request)
    check_csrf(user, str(form.get("csrf_token") or ""))
    with new_uow(request) as uow:
        cmd = _start_command(request, form, office_id_of(request, uow))
    with new_uow(request) as uow:
        started = start_round(uow, clock_of(request), user.actor, cmd)
    url = f"/rounds/{started.round_id}"
    if started.without_address:
        return RedirectResponse(f"{url}?ok=round_started&warn=no_address", status_code=303)
    return back(url, "round_started")
