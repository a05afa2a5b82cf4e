"""Sign in and out. The login form has its own double-submit CSRF token (there is no session yet)."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from entrypoints.web.deps import (
    SESSION_COOKIE,
    AnyUser,
    Forbidden,
    check_csrf,
    clock_of,
    limit_rate,
    new_uow,
    optional_user,
)
from entrypoints.web.render import templates
from kernel.errors import DomainError
from workflow.services.accounts import SESSION_HOURS, login, logout

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "cf_login_csrf"


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=request.app.state.secure_cookies,
        path="/",
    )


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if optional_user(request):
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
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        raise Forbidden("CSRF_INVALID", "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试。")
    limit_rate(request, request.app.state.login_rule, username)
    try:
        with new_uow(request) as uow:
            started = login(uow, clock_of(request), username, password)
    except DomainError as exc:
        token = secrets.token_urlsafe(24)
        response = templates.TemplateResponse(
            request,
            "login.html",
            {"next": _safe_next(next), "user": None, "error": exc.message, "login_csrf": token},
            status_code=401,
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
def logout_submit(request: Request, user: AnyUser, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(user, csrf_token)
    with new_uow(request) as uow:
        logout(uow, clock_of(request), user, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
