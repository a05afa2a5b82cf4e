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
    return templates.TemplateResponse(request, "error.html", {"error": exc, "status": status}, status_code=status)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
