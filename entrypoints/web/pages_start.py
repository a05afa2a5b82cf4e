"""Dashboard and starting a round: upload and check the draft, pick units, set the deadline, preview the letter."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from documents.html_writer import document_css, render_html
from entrypoints.web.deps import (
    MAX_ID,
    AnyUser,
    ClockDep,
    ReadUowDep,
    RulesDep,
    SettingsDep,
    Staff,
    StaffWrite,
    UowDep,
    office_id_of,
)
from entrypoints.web.form_page import refused
from entrypoints.web.forms import form_id, store_uploaded_draft
from entrypoints.web.pages_common import back, page
from kernel.clock import Clock
from kernel.errors import DomainError, InvalidInput, Problems
from kernel.timefmt import to_beijing
from states.draft import DraftState
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.doc_number import parse_doc_number
from workflow.doc_types import DocTypes
from workflow.public.consultations import PublicTerms
from workflow.reports.official import preview_letter_document
from workflow.services.accounts import CurrentUser
from workflow.services.dashboard import dashboard_page
from workflow.services.deadline_spec import DeadlineSpec, resolve_deadline
from workflow.services.draft_items import draft_shape, round_draft
from workflow.services.offices import office_profile
from workflow.services.rounds import DEFAULT_REQUIREMENTS, StartRound, start_round

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(
    request: Request,
    user: AnyUser,
    uow: ReadUowDep,
    clock: ClockDep,
    q: str = "",
    state: str = "",
    year: str = "",
    p: int = 1,
) -> Response:
    if user.role == "reviewer":
        return RedirectResponse("/review", status_code=303)
    board = dashboard_page(uow, clock, request.app.state.health_policy, q=q, state=state, year=year, page=p)
    filters = {"q": q, "state": state, "year": year}
    return page(request, "dashboard.html", user, **board, filters=filters, states=DRAFT_STATE_CHOICES)


DRAFT_STATE_CHOICES = [s.value for s in DraftState]


def _new_round_context(
    uow: UnitOfWork, clock: Clock, rules: DocTypes, draft: int | None, user: CurrentUser
) -> dict[str, object]:
    profile = office_profile(uow, user.office_id)
    drafts = [d for d in uow.drafts.all() if d.state == DraftState.drafting]
    chosen = uow.drafts.get(draft) if draft else None
    tasks = []
    shape = None
    if chosen is not None:
        version = uow.drafts.version(chosen.id or 0, chosen.current_version)
        tasks = uow.drafts.tasks(version.id or 0) if version else []
        shape = draft_shape(round_draft(uow, chosen.id or 0, chosen.current_version))
    return {
        "drafts": drafts,
        "chosen": chosen,
        "tasks": tasks,
        "shape": shape,
        "units": list(uow.directory.units(user.office_id)),
        "category_labels": {c.key: c.label for c in profile.categories},
        # the letter's usual words are the office's (profile wording), offered here and editable per round
        "requirements": profile.wording.get("letter_requirements", DEFAULT_REQUIREMENTS),
        "purpose": profile.wording.get("letter_purpose", ""),
        "today": to_beijing(clock.now()).date(),
        "doc_types": rules.all(),
        "chosen_type": rules.get(chosen.doc_type) if chosen is not None else None,
        # 联系人/电话 start as the signed-in clerk and the phone they gave last time
        # the usual 发文机关 of this office's drafts is its profile's, not code
        "default_issuer": profile.issuer,
        "office": profile,
        "last_phone": next((r.phone for r in reversed(uow.rounds.all()) if r.contact == user.display_name), ""),
    }


@router.get("/rounds/new")
def new_round(
    request: Request,
    user: Staff,
    uow: ReadUowDep,
    clock: ClockDep,
    rules: RulesDep,
    draft: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    return page(request, "round_new.html", user, **_new_round_context(uow, clock, rules, draft, user))


@router.post("/drafts")
async def upload_draft(
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    title: Annotated[str, Form()],
    issuer: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    rules: RulesDep,
    doc_type: Annotated[str, Form()] = "general",
) -> Response:
    stored = await store_uploaded_draft(
        uow, clock, office_id_of(user), user, file, title=title, issuer=issuer, doc_type=doc_type, rules=rules
    )
    return back(f"/rounds/new?draft={stored.draft_id}", "draft_uploaded")


def _letter_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise InvalidInput("DATE_INVALID", f"成文日期“{text}”格式不正确。") from None


def _start_command(form: FormData, clock: Clock, settings: Settings, office_id: int) -> StartRound:
    """The form as a command; every problem the form itself shows is reported at once."""
    # A draft id that is no id is a forged or broken request, not a typing slip: refused on its own.
    draft_id = form_id(form.get("draft_id"), "文稿编号") or 0
    problems = Problems()
    spec = DeadlineSpec(deadline_text=_text(form, "deadline", strip=True), workdays=_text(form, "workdays", strip=True))
    deadline = problems.attempt("deadline", lambda: resolve_deadline(spec, clock, settings.section("calendar")))
    letter_date = problems.attempt("letter_date", lambda: _letter_date(_text(form, "letter_date", strip=True)))
    problems.attempt("doc_number", lambda: parse_doc_number(_text(form, "doc_number")))
    if not _text(form, "contact", strip=True):
        problems.add("contact", InvalidInput("CONTACT_REQUIRED", "请填写联系人。"))
    if not _text(form, "phone", strip=True):
        problems.add("phone", InvalidInput("CONTACT_REQUIRED", "请填写联系电话。"))
    if not (form.getlist("units") or form.getlist("categories")):
        problems.add("units", InvalidInput("RECIPIENTS_REQUIRED", "请至少选择一个征求对象单位。"))
    problems.check()
    assert deadline is not None  # else check() raised
    return StartRound(
        draft_id=draft_id,
        office_id=office_id,
        doc_number=_text(form, "doc_number"),
        deadline=deadline.at,
        contact=_text(form, "contact"),
        phone=_text(form, "phone"),
        unit_names=[str(x) for x in form.getlist("units")],
        categories=[str(x) for x in form.getlist("categories")],
        letter_date=letter_date,
        basis=_text(form, "basis"),
        requirements=_text(form, "requirements") or None,
        purpose=_text(form, "purpose", strip=True) if "purpose" in form else None,
        focus=_text(form, "focus", strip=True),
        deadline_warning=deadline.warning,
        scope=_text(form, "scope", strip=True) or "internal",
        shorten_reason=_text(form, "shorten_reason", strip=True),
        # 向社会公开征求意见 on the form also opens the public page (issue 16), with the same deadline
        public=PublicTerms(_text(form, "public_explanation"), _text(form, "public_contact_info"))
        if _text(form, "scope", strip=True) == "public"
        else None,
    )


def _text(form: FormData, name: str, *, strip: bool = False) -> str:
    value = form.get(name)
    text = value if isinstance(value, str) else ""
    return text.strip() if strip else text


@router.post("/rounds/preview")
async def preview_letter(
    request: Request, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep, rules: RulesDep
) -> Response:
    cmd = _start_command(await request.form(), clock, settings, office_id_of(user))
    profile = office_profile(uow, cmd.office_id)
    categories = {profile.parse_category(c).key for c in cmd.categories}
    categories |= {u.category for u in uow.directory.units(cmd.office_id) if u.name in cmd.unit_names}
    doc = preview_letter_document(uow, cmd, categories, to_beijing(clock.now()).date(), rules)
    return Response(render_html(doc, css_href="/documents/document.css"), media_type="text/html; charset=utf-8")


@router.get("/documents/document.css")
def document_stylesheet() -> Response:
    """The documents' own stylesheet, linked (the CSP forbids inline styles): the preview looks like the DOCX."""
    return Response(document_css(), media_type="text/css; charset=utf-8")


@router.post("/rounds")
async def create_round(
    request: Request, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep, rules: RulesDep
) -> Response:
    form = await request.form()
    try:
        cmd = _start_command(form, clock, settings, office_id_of(user))
        started = start_round(uow, clock, user.actor, cmd, secret=settings.secret_key, rules=rules)
    except DomainError as exc:
        uow.rollback()
        try:  # the form again, with the draft it named if that is a valid id
            draft = form_id(form.get("draft_id"), "文稿编号", required=False)
        except DomainError:
            draft = None
        context = _new_round_context(uow, clock, rules, draft, user)
        return refused(request, "round_new.html", exc, form, user=user, **context)
    url = f"/rounds/{started.round_id}"
    if started.without_address:
        return RedirectResponse(f"{url}?ok=round_started&warn=no_address", status_code=303)
    return back(url, "round_started")
