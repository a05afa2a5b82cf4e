"""Over HTTP: a program records the collective deliberation with its 会议纪要 in one multipart request
(``POST /api/v1/rounds/{id}/deliberation/minutes``), through the service the round page uses and with the
page's upload checks: the file is kept with its SHA-256; a wrong type, an empty or oversized file, or no
file is refused with its code and nothing is stored."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from storage.uow import UnitOfWork
from tests.support.web import WebWorld, build_world, login


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def post(world: WebWorld, files: dict[str, tuple[str, bytes, str]] | None, **fields: str) -> httpx.Response:
    staff = world.client()
    h = {"X-CSRF-Token": login(staff, "zhaojian")}
    data = {"meeting": "市政府第8次常务会议", "date": "2026-03-20", **fields}
    return staff.post(f"/api/v1/rounds/{world.round_id}/deliberation/minutes", headers=h, data=data, files=files)


def stored(world: WebWorld) -> int:
    with UnitOfWork(world.engine) as uow:
        return len(uow.process.deliberations(world.round_id))


def test_the_deliberation_and_its_minutes_in_one_request(world: WebWorld) -> None:
    minutes = b"%PDF-1.4 minutes of the 8th executive meeting"
    answer = post(world, {"minutes": ("会议纪要.pdf", minutes, "application/pdf")}, outcome="approved_with_changes")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["minutes"] == "会议纪要.pdf" and body["minutes_sha256"] == hashlib.sha256(minutes).hexdigest()
    staff = world.client()
    login(staff, "zhaojian")
    [row] = staff.get(f"/api/v1/rounds/{world.round_id}/process").json()["deliberations"]
    assert row["meeting"] == "市政府第8次常务会议" and row["held_on"] == "2026-03-20"
    assert row["outcome"] == "approved_with_changes" and row["minutes_sha256"] == body["minutes_sha256"]
    with UnitOfWork(world.engine) as uow:
        [kept] = uow.process.deliberations(world.round_id)
        events = [e for e in uow.audit.events() if e.action == "deliberation.recorded"]
    assert kept.minutes == minutes and len(events) == 1 and body["minutes_sha256"] in events[0].payload


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        ({"minutes": ("纪要.exe", b"MZ", "application/octet-stream")}, 422, "UPLOAD_TYPE_INVALID"),
        ({"minutes": ("纪要.pdf", b"", "application/pdf")}, 422, "UPLOAD_EMPTY"),
        ({"minutes": ("纪要.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "application/pdf")}, 413, "UPLOAD_TOO_LARGE"),
        (None, 422, "REQUEST_INVALID"),
    ],
)
def test_the_pages_upload_checks_apply_and_nothing_is_stored(
    world: WebWorld, files: dict[str, tuple[str, bytes, str]] | None, status: int, code: str
) -> None:
    answer = post(world, files)
    assert answer.status_code == status and answer.json()["error"]["code"] == code
    assert stored(world) == 0


def test_a_bad_date_or_outcome_is_refused_with_its_code(world: WebWorld) -> None:
    pdf = {"minutes": ("纪要.pdf", b"%PDF-1.4", "application/pdf")}
    assert post(world, pdf, date="明天").json()["error"]["code"] == "DATETIME_INVALID"
    wrong = post(world, pdf, outcome="maybe").json()
    assert wrong["error"]["code"] == "DELIBERATION_OUTCOME_INVALID"
    assert stored(world) == 0
