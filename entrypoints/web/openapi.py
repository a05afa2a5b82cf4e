"""The published schema says what a refusal looks like: ``{"error": {"code", "message", "details"}}``.

FastAPI documents its own validation answer (``{"detail": [...]}``) for 422; this app answers every
refusal in the CLI's error shape instead (``entrypoints.web.errors``), so the schema is rewritten to say so,
and clients (and the schemathesis run in the tests) can rely on it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "title": "ErrorResponse",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "稳定的错误代码（大写下划线），脚本据此判断"},
                "message": {"type": "string", "description": "给人看的中文说明"},
                "details": {"type": "object", "additionalProperties": True},
            },
        }
    },
}
_FASTAPI_ERROR = "#/components/schemas/HTTPValidationError"


def install(app: FastAPI, api: APIRouter, *, prefix: str) -> None:
    """``api``: every API route in the order the schema lists them (the app matches them in another order,
    ``entrypoints.web.app``; the schema does not change with it). Pages and probes are not in the schema."""
    published = APIRouter()
    published.include_router(api, prefix=prefix)

    def schema() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(title=app.title, version=app.version, routes=published.routes)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components["ErrorResponse"] = ERROR_SCHEMA
        error = {"$ref": "#/components/schemas/ErrorResponse"}
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                for answer in responses.values():
                    body = answer.get("content", {}).get("application/json", {})
                    if body.get("schema", {}).get("$ref") == _FASTAPI_ERROR:
                        body["schema"] = error
                        answer["description"] = "请求被拒绝（含错误代码和中文说明）"
        app.openapi_schema = document
        return document

    app.openapi = schema  # type: ignore[method-assign]
