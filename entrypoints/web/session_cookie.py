"""The session cookie, set the same way by the login page and the API."""

from __future__ import annotations

from fastapi import Request, Response

from entrypoints.web.deps import SESSION_COOKIE
from workflow.services.accounts import SESSION_HOURS


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
