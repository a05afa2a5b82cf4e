"""A refused form comes back as the same page: HTTP 422 (or the error's own status), each problem
beside its field, everything typed kept, the error code only in a small detail line.

Routes catch ``DomainError`` around the work a form asks for and answer :func:`refused`; templates
import the macros of ``_form.html`` (``field_error``, ``form_summary``) and read typed values with
``form.get(name)`` / ``form.getlist(name)``. ``FIELD_OF_CODE`` maps an error a service raises with one
code to the field it concerns; errors carrying ``details["fields"]`` (``kernel.errors.Problems``) or
``details["field"]`` name their fields themselves.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from entrypoints.web.errors import status_for
from entrypoints.web.render import templates
from kernel.errors import DomainError, field_errors

FIELD_OF_CODE: Mapping[str, str] = {
    # starting a round
    "DEADLINE_REQUIRED": "deadline",
    "DEADLINE_AMBIGUOUS": "deadline",
    "DEADLINE_IN_PAST": "deadline",
    "DATETIME_INVALID": "deadline",
    "WORKDAYS_INVALID": "workdays",
    "DATE_INVALID": "letter_date",
    "DOC_NUMBER_INVALID": "doc_number",
    "DOC_NUMBER_DUPLICATE": "doc_number",
    "CONTACT_REQUIRED": "contact",
    "RECIPIENTS_REQUIRED": "units",
    "ROUND_NO_RECIPIENTS": "units",
    "UNIT_UNKNOWN": "units",
    "UNIT_INACTIVE": "units",
    "UNIT_CATEGORY_EMPTY": "units",
    # a reply
    "REPLY_KIND_CONFLICT": "no_comments",
    "COMMENTS_EMPTY": "comments",
    "COMMENT_TEXT_REQUIRED": "comments",
    "COMMENT_TOO_LONG": "comments",
    "COMMENT_TARGET_UNKNOWN": "comments",
    # the unit directory
    "UNITS_ROW_INVALID": "name",
    "UNITS_DUPLICATE": "name",
    "ADDRESS_EMAIL_INVALID": "email",
    "ADDRESS_WEBHOOK_INVALID": "webhook",
    # a decision (one row, or the bulk form)
    "DECISION_OUTCOME_INVALID": "outcome",
    "DECISION_REASON_REQUIRED": "reason",
    "CHANGE_TASK_UNKNOWN": "change_task",
    "CHANGE_ITEM_UNKNOWN": "change_task",
    "CHANGE_TARGET_TWICE": "change_task",
}

EMPTY_FORM = FormData()


def errors_by_field(error: DomainError) -> dict[str, str]:
    """Field → message; a problem that belongs to no field is under ``""`` (shown above the form)."""
    found = field_errors(error)
    if found:
        return found
    return {FIELD_OF_CODE.get(error.code, ""): error.message}


def renamed_fields(error: DomainError, aliases: Mapping[str, str]) -> DomainError:
    """The same refusal with the fields a service names by their label ("理由") renamed to the form's
    field names, so the page can put each problem beside its input."""
    found = field_errors(error)
    if not found:
        return error
    details = {k: v for k, v in error.details.items() if k not in ("field", "fields")}
    fields = {aliases.get(name, name): message for name, message in found.items()}
    return type(error)(error.code, error.message, **details, fields=fields)


def refused(
    request: Request,
    template: str,
    error: DomainError,
    form: FormData | None,
    **context: object,
) -> Response:
    """Render ``template`` again for a refused submission of ``form``."""
    status = status_for(error)
    errors = errors_by_field(error)
    return templates.TemplateResponse(
        request,
        template,
        {"form": form or EMPTY_FORM, "error": error, "errors": errors, **context},
        status_code=status,
    )
