"""The published OpenAPI schema says what every /api/v1 route answers (files excepted)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.support.web import WebWorld, build_world

FILES = {
    ("get", "/api/v1/rounds/{round_id}/documents/{kind}"),
    ("get", "/api/v1/attachments/{attachment_id}"),
    ("get", "/api/v1/units/export"),
    ("get", "/api/v1/tasks/documents/{kind}"),
    ("post", "/api/v1/rounds/{round_id}/archive"),  # the archive ZIP (manifest.json inside)
    ("get", "/api/v1/rounds/{round_id}/public/export"),  # public comments as CSV or XLSX
    ("get", "/api/v1/rounds/{round_id}/signed/{document_id}"),  # the signed final document (PDF, DOCX, OFD)
    ("get", "/api/v1/links/{token}/signed/{document_id}"),  # the same, for the unit through its link
}


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _described(schema: dict[str, object]) -> bool:
    return bool(schema.get("$ref") or schema.get("properties") or schema.get("items"))


def test_every_api_operation_but_a_file_download_declares_its_json_answer(world: WebWorld) -> None:
    paths = world.client().get("/api/v1/openapi.json").json()["paths"]
    undescribed = []
    checked = 0
    for path, operations in paths.items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            if (method, path) in FILES:
                continue
            checked += 1
            ok = [
                body["content"]["application/json"]["schema"]
                for status, body in operation["responses"].items()
                if status.startswith("2") and "application/json" in body.get("content", {})
            ]
            if not (ok and all(_described(s) for s in ok)):
                undescribed.append(f"{method.upper()} {path}")
    assert checked >= 25, "the schema lists the API"
    assert undescribed == [], "routes whose answer the schema does not describe: " + ", ".join(undescribed)


def test_a_list_answer_names_its_item_model(world: WebWorld) -> None:
    schema = world.client().get("/api/v1/openapi.json").json()
    rounds = schema["paths"]["/api/v1/rounds"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert rounds["type"] == "array" and rounds["items"]["$ref"].endswith("/RoundRow")
    workdays = schema["components"]["schemas"]["Workdays"]["properties"]
    assert "from" in workdays, "the JSON field is named 'from', as the API answers it"
