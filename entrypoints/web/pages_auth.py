"""Sign in and out. The login form has its own double-submit CSRF token (there is no session yet)."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from entrypoints.web.deps import (
    CSRF_MESSAGE,
    SESSION_COOKIE,
    AnyUserWrite,
    ClockDep,
    MaybeUser,
    UowDep,
    login_attempt,
)
from entrypoints.web.render import templates
from entrypoints.web.session_cookie import set_session_cookie
from kernel.errors import Forbidden, InvalidInput, TooManyRequests
from workflow.services.accounts import logout
from workflow.services.login_limits import limited_login

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "cf_login_csrf"


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
def login_page(request: Request, user: MaybeUser, next: str = "/") -> Response:
    if user:
        return RedirectResponse(_safe_next(next), status_code=303)
    token = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request, "login.html", {"next": _safe_next(next), "user": None, "login_csrf": token}
    )
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=request.app.state.secure_cookies)
    return response


@router.post("/login")
def login_submit(
    request: Request,
    uow: UowDep,
    clock: ClockDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        raise Forbidden("CSRF_INVALID", CSRF_MESSAGE)
    try:
        started = limited_login(uow, clock, request.app.state.login_limits, login_attempt(request, username, password))
    except (InvalidInput, TooManyRequests) as exc:  # a wrong password, or too many tries: the form again
        message = exc.message
        if isinstance(exc, TooManyRequests):  # say how long to wait
            seconds = exc.details.get("retry_after_seconds")
            minutes = max(1, round((seconds if isinstance(seconds, int) else 60) / 60))
            message = f"登录尝试过于频繁，请等待约{minutes}分钟后再试。"
        token = secrets.token_urlsafe(24)
        response = templates.TemplateResponse(
            request,
            "login.html",
            {"next": _safe_next(next), "user": None, "error": message, "login_csrf": token, "username": username},
            status_code=429 if isinstance(exc, TooManyRequests) else 401,
        )
        response.set_cookie(
            LOGIN_CSRF, token, httponly=True, samesite="strict", secure=request.app.state.secure_cookies
        )
        return response
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, redirect, started.token)
    redirect.delete_cookie(LOGIN_CSRF)
    return redirect


@router.post("/logout")
def logout_submit(request: Request, user: AnyUserWrite, uow: UowDep, clock: ClockDep) -> Response:
    logout(uow, clock, user, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
