"""One mapping from a refused request's class to its HTTP status, and how each side shows it:
the API answers JSON with the CLI's error codes, the pages a Chinese error page (or the login page)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

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


def status_for(exc: DomainError) -> int:
    """The HTTP status of a refusal; a ``DomainError`` of no listed class is a plain 400."""
    return next((status for cls, status in STATUS if isinstance(exc, cls)), 400)


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)  # registered for DomainError only
    status = status_for(exc)
    if request.url.path.startswith(f"{API_PREFIX}/"):
        return JSONResponse(exc.to_dict(), status_code=status)
    if isinstance(exc, AuthRequired):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    context = {"error": exc, "status": status, "user": getattr(request.state, "user", None), "back": back_url(request)}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


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
    app.add_exception_handler(DomainError, domain_error)
