"""One mapping from a refused request's class to its HTTP status, and how each side shows it:
the API answers JSON with the CLI's error codes, the pages a Chinese error page (or the login page).

Every failure answers a code, never a bare 500: malformed input (FastAPI's validation, an unknown route)
is ``REQUEST_INVALID`` / ``ROUTE_NOT_FOUND``, a body over the cap ``UPLOAD_TOO_LARGE``, a database that
cannot serve ``DB_UNAVAILABLE`` (503, mapped once in ``storage.db.unavailable``), and anything else — a
bug — ``INTERNAL_ERROR`` (500, traceback logged).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import structlog
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from entrypoints.web.body_limit import BodyTooLarge
from entrypoints.web.deps import API_PREFIX
from entrypoints.web.render import templates
from kernel.errors import (
    AuthRequired,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    Unavailable,
)
from storage.db import unavailable

STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (AuthRequired, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
    (PayloadTooLarge, 413),
    (TooManyRequests, 429),
    (Unavailable, 503),
)
LOG = structlog.get_logger("consultflow.web")


def status_for(exc: DomainError) -> int:
    """The HTTP status of a refusal; a ``DomainError`` of no listed class is a plain 400."""
    return next((status for cls, status in STATUS if isinstance(exc, cls)), 400)


def _answer(request: Request, exc: DomainError, status: int) -> Response:
    if request.url.path.startswith(f"{API_PREFIX}/"):
        response: Response = JSONResponse(jsonable_encoder(exc.to_dict()), status_code=status)
    elif isinstance(exc, AuthRequired):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    else:
        user = getattr(request.state, "user", None)
        context = {"error": exc, "status": status, "user": user, "back": back_url(request)}
        response = templates.TemplateResponse(request, "error.html", context, status_code=status)
    retry = exc.details.get("retry_after_seconds")
    if isinstance(retry, int):
        response.headers["Retry-After"] = str(retry)
    return response


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)  # registered for DomainError only
    return _answer(request, exc, status_for(exc))


async def validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's 422 (a path id that is no integer or out of range, a missing field), with a code."""
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": str(e.get("msg", ""))} for e in exc.errors()
    ]
    where = "、".join(p["where"] for p in problems[:5])
    error = InvalidInput("REQUEST_INVALID", f"请求的参数或内容不符合要求：{where}。", problems=problems)
    return _answer(request, error, 422)


def _body_too_large(exc: BaseException | None) -> BodyTooLarge | None:
    """The cap's refusal, also when a task group (the headers middleware) wrapped it into a group."""
    if isinstance(exc, BaseExceptionGroup):
        found = [_body_too_large(e) for e in exc.exceptions]
        return found[0] if found and all(found) else None
    return exc if isinstance(exc, BodyTooLarge) else None


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    too_large = _body_too_large(exc.__cause__)
    if too_large is not None:  # FastAPI wraps what the body reader raised into a 400
        return _answer(request, too_large.error, 413)
    error: DomainError
    if exc.status_code == 404:
        error = NotFound("ROUTE_NOT_FOUND", "请求的网址不存在。")
    elif exc.status_code == 405:
        error = DomainError("METHOD_NOT_ALLOWED", "该网址不支持此请求方法。")
    else:
        error = InvalidInput("REQUEST_INVALID", "请求的格式不正确，无法读取。", status=exc.status_code)
    response = _answer(request, error, exc.status_code)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def body_too_large(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BodyTooLarge)
    return _answer(request, exc.error, 413)


async def database_error(request: Request, exc: Exception) -> Response:
    """A database that refuses (read-only, gone, disk full) is a 503 with a code; other SQL errors are bugs."""
    assert isinstance(exc, SQLAlchemyError)
    mapped = unavailable(exc)
    if mapped is None:
        return await internal_error(request, exc)
    LOG.error("web.database_unavailable", path=request.url.path, error=str(exc.orig if hasattr(exc, "orig") else exc))
    return _answer(request, mapped, 503)


async def internal_error(request: Request, exc: Exception) -> Response:
    """The last line: a bug still answers a code and a Chinese message; the traceback goes to the log."""
    LOG.error("web.internal_error", path=request.url.path, exc_info=exc)
    error = DomainError("INTERNAL_ERROR", "服务器内部错误，已记录日志，请稍后重试或联系系统管理员。")
    return _answer(request, error, 500)


def back_url(request: Request) -> str:
    """Where "返回" leads from a refused page: the page the form was on, as far as the path tells.

    The Referer is not sent (``Referrer-Policy: no-referrer`` protects reply-link tokens), so the
    path decides: a reply link's own page, a round's page, else the start page.
    """
    parts = [p for p in request.url.path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "r":
        return f"/r/{parts[1]}"
    for n, part in enumerate(parts[:-1]):
        if part == "rounds" and parts[n + 1].isdigit():
            return "/" + "/".join(parts[: n + 2])
    if parts and parts[0] in ("units", "review") and request.method != "GET":
        return f"/{parts[0]}"
    return "/"


def install(app: FastAPI) -> None:
    handlers: dict[Any, Any] = {
        DomainError: domain_error,
        RequestValidationError: validation_error,
        StarletteHTTPException: http_error,
        BodyTooLarge: body_too_large,
        SQLAlchemyError: database_error,
        Exception: internal_error,
    }
    for cls, handler in handlers.items():
        app.add_exception_handler(cls, handler)
