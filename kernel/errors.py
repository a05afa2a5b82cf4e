"""Domain errors: a stable machine-readable code plus a Chinese message for people.

Every entry point (CLI, HTTP) renders these the same way, so scripts can rely on
``code`` while staff read ``message``. Every code is listed in :mod:`kernel.error_codes` with the
class it is raised as; the tests enforce that, so raising one stays as cheap as building an exception.
"""

from __future__ import annotations

from typing import Any

from kernel.error_codes import ERROR_CODES


class DomainError(Exception):
    """A refused request. Raising it inside a unit of work rolls everything back."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        # No check against the registry here: tests/unit/test_errors__registry.py enforces it on the source.
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return {"error": body}


class NotFound(DomainError):
    """The named entity does not exist."""


class Conflict(DomainError):
    """The request contradicts the current state (forbidden transition, duplicate)."""


class InvalidInput(DomainError):
    """The request itself is malformed."""


class TooManyRequests(DomainError):
    """The client exceeded a rate limit; it may try again after the window passes."""


class AuthRequired(DomainError):
    """No valid session: pages redirect to the login page, the API answers 401."""


class Forbidden(DomainError):
    """Signed in (or holding a link), but not allowed to do this."""


class PayloadTooLarge(DomainError):
    """The request or upload is bigger than the server accepts (HTTP 413)."""


class Unavailable(DomainError):
    """A part the request needs (the database) cannot serve it right now; retrying later may work."""


def describe(code: str) -> str:
    """When ``code`` happens, in Chinese, from :data:`kernel.error_codes.ERROR_CODES` (for help texts and docs)."""
    entry = ERROR_CODES.get(code)
    return entry.description if entry else f"未登记的错误代码 {code}。"
