"""The public's pages, no account needed: 意见征集 (every open consultation of every office), a draft read
item by item with the comment form, the receipt look-up and the published 采纳情况.

The comment form carries a token bound to the consultation (there is no session) and a honeypot field
hidden from people; the service decides everything else (limits, checks, folding)."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import APIRouter, Request
from fastapi.responses import Response

from entrypoints.web.deps import ClockDep, Id, ReadUowDep, RulesDep, SettingsDep, UowDep, client_of
from entrypoints.web.form_page import refused
from entrypoints.web.render import templates
from kernel.errors import DomainError, Forbidden
from states.public_comment import KIND_LABELS
from storage.uow import UnitOfWork
from workflow.public.consultations import public_draft, public_listing
from workflow.public.feedback import lookup_receipt, public_feedback
from workflow.public.intake import PURPOSE, PublicClient, PublicCommentInput, submit_public_comment
from workflow.public.policy import PublicPolicy, consultation_policy

router = APIRouter(include_in_schema=False)
CSRF_MESSAGE = "表单已失效，请刷新页面后重新提交。"


def form_token(secret: str, consultation_id: int) -> str:
    return hmac.new(secret.encode(), f"public-form:{consultation_id}".encode(), hashlib.sha256).hexdigest()


def _show(request: Request, name: str, **context: object) -> Response:
    shared = {"user": None, "kind_labels": KIND_LABELS, "purpose": PURPOSE}
    return templates.TemplateResponse(request, name, {**shared, **context})


@router.get("/public")
def public_list(request: Request, uow: ReadUowDep, clock: ClockDep, rules: RulesDep, all: int = 0) -> Response:
    rows = public_listing(uow, clock, open_only=not all, rules=rules)
    return _show(request, "public_list.html", rows=rows, showing_all=bool(all))


def _draft_context(request: Request, uow: UnitOfWork, clock: ClockDep, rules: RulesDep, cid: int) -> dict[str, object]:
    return {
        "c": public_draft(uow, clock, cid, rules=rules),
        "feedback": public_feedback(uow, clock, cid),
        "csrf": form_token(request.app.state.secret, cid),
    }


@router.get("/public/receipt")
def receipt_page(request: Request, uow: UowDep, clock: ClockDep, settings: SettingsDep, no: str = "") -> Response:
    if not no.strip():
        return _show(request, "public_receipt.html", found=None, form=None, errors={})
    client = PublicClient(client_of(request), request.app.state.secret)
    try:
        found = lookup_receipt(uow, clock, no, client, PublicPolicy.from_settings(settings))
    except DomainError as exc:
        if exc.code == "RATE_LIMITED":
            raise
        return refused(request, "public_receipt.html", exc, None, user=None, found=None, typed=no)
    return _show(request, "public_receipt.html", found=found, typed=no)


@router.get("/public/{consultation_id}")
def draft_page(
    request: Request, consultation_id: Id, uow: ReadUowDep, clock: ClockDep, rules: RulesDep, target: str = ""
) -> Response:
    context = _draft_context(request, uow, clock, rules, consultation_id)
    return _show(request, "public_draft.html", chosen=target, **context)


@router.get("/public/{consultation_id}/feedback")
def feedback_page(request: Request, consultation_id: Id, uow: ReadUowDep, clock: ClockDep) -> Response:
    return _show(request, "public_feedback.html", f=public_feedback(uow, clock, consultation_id))


@router.post("/public/{consultation_id}/comments")
async def comment_submit(
    request: Request, consultation_id: Id, uow: UowDep, clock: ClockDep, settings: SettingsDep, rules: RulesDep
) -> Response:
    raw = await request.form()

    def text(name: str) -> str:
        value = raw.get(name)
        return value if isinstance(value, str) else ""

    try:
        if not hmac.compare_digest(text("csrf_token"), form_token(request.app.state.secret, consultation_id)):
            raise Forbidden("CSRF_INVALID", CSRF_MESSAGE)
        data = PublicCommentInput(
            kind=text("kind"), text=text("text"), target=text("target"), basis=text("basis"),
            reason=text("reason"), name=text("name"), contact=text("contact"), honeypot=text("website"),
        )
        policy = consultation_policy(uow, settings.section("public"), consultation_id)
        uow.rollback()
        client = PublicClient(client_of(request), request.app.state.secret)
        stored = submit_public_comment(uow, clock, consultation_id, data, client, policy)
    except DomainError as exc:
        if exc.code in ("RATE_LIMITED", "PUBLIC_CONSULTATION_NOT_FOUND"):
            raise
        uow.rollback()
        context = _draft_context(request, uow, clock, rules, consultation_id)
        return refused(
            request, "public_draft.html", exc, raw, user=None, kind_labels=KIND_LABELS, purpose=PURPOSE,
            chosen=text("target"), **context,
        )
    return _show(request, "public_thanks.html", receipt=stored.receipt, folded=stored.folded, cid=consultation_id)
