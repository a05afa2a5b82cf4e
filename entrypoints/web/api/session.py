"""Signing in and out of the API (the same server-side session as the pages)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from entrypoints.web.api.bodies import LoginBody
from entrypoints.web.api.schemas import Ok, SessionStarted, SessionUser
from entrypoints.web.deps import SESSION_COOKIE, AnyUserWrite, ClockDep, UowDep, login_attempt
from entrypoints.web.session_cookie import set_session_cookie
from workflow.services.accounts import logout
from workflow.services.login_limits import limited_login

router = APIRouter(prefix="/session", tags=["会话"])


@router.post("")
def api_login(request: Request, response: Response, body: LoginBody, uow: UowDep, clock: ClockDep) -> SessionStarted:
    limits = request.app.state.login_limits
    started = limited_login(uow, clock, limits, login_attempt(request, body.username, body.password))
    user = uow.accounts.user(started.user_id)
    set_session_cookie(request, response, started.token)
    return SessionStarted(
        csrf_token=started.csrf_token,
        user=SessionUser(username=user.username if user else "", role=user.role if user else ""),
    )


@router.delete("")
def api_logout(request: Request, user: AnyUserWrite, uow: UowDep, clock: ClockDep) -> Ok:
    logout(uow, clock, user, request.cookies.get(SESSION_COOKIE, ""))
    return Ok(ok=True)
