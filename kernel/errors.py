"""Domain errors: a stable machine-readable code plus a Chinese message for people.

Every entry point (CLI, HTTP) renders these the same way, so scripts can rely on
``code`` while staff read ``message``. Every code is listed in :mod:`kernel.error_codes` with the
class it is raised as; the tests enforce that, so raising one stays as cheap as building an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from kernel.error_codes import ERROR_CODES

T = TypeVar("T")


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


class Problems:
    """Several input problems of one request, collected so the person is told all of them at once.

    Each problem names the form field it belongs to; :meth:`check` raises one ``InvalidInput`` whose
    ``details["fields"]`` maps field → message (a page shows each beside its field). With a single
    problem the error keeps that problem's own code.
    """

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.codes: list[str] = []

    def add(self, field: str, error: DomainError) -> None:
        """Record ``error`` (built, not raised) against ``field``; several on one field are joined."""
        self.fields[field] = self.fields.get(field, "") + error.message
        self.codes.append(error.code)

    def attempt(self, field: str, check: Callable[[], T]) -> T | None:
        """Run ``check``; an ``InvalidInput`` it raises is recorded against ``field`` (``None`` returned)."""
        try:
            return check()
        except InvalidInput as exc:
            named = field_errors(exc)
            if not named:
                self.add(field, exc)
            for name, message in named.items():
                self.fields[name] = self.fields.get(name, "") + message
            if named:
                self.codes.append(exc.code)
            return None

    def __bool__(self) -> bool:
        return bool(self.codes)

    def check(self) -> None:
        if not self.codes:
            return
        messages = list(self.fields.values())
        if len(self.codes) == 1:
            raise InvalidInput(self.codes[0], messages[0], fields=dict(self.fields))
        summary = f"有{len(self.codes)}处需要修改：" + "".join(m if m.endswith("。") else f"{m}。" for m in messages)
        raise InvalidInput("INPUT_PROBLEMS", summary, fields=dict(self.fields), codes=list(self.codes))


def field_errors(error: DomainError) -> dict[str, str]:
    """The per-field messages an error carries (from :class:`Problems` or a ``field=`` detail)."""
    fields = error.details.get("fields")
    if isinstance(fields, dict):
        return {str(k): str(v) for k, v in fields.items()}
    field = error.details.get("field")
    return {str(field): error.message} if isinstance(field, str) else {}
