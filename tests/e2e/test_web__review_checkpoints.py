"""The reviewer's audit page proves the database against the published checkpoints and against a
checkpoint file the reviewer uploads, and names what is wrong after a rewrite."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from entrypoints.web.app import create_app
from kernel.clock import FixedClock
from storage.uow import UnitOfWork
from tests.support.audit_round import full_round
from tests.support.cli import write_config
from tests.support.scenario import STAFF, demo_office_id
from tests.support.web import PASSWORD, login
from workflow.config import load_settings
from workflow.services.accounts import add_user
from workflow.services.checkpoints import ensure_signing_key

AUDIT = '\n[audit]\nsigning_key = "audit.key"\ncheckpoint_file = "checkpoints.jsonl"\n'


def test_the_review_page_verifies_published_and_uploaded_checkpoints(
    engine: Engine, db_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    settings = load_settings(write_config(tmp_path / "config.toml", db_url, AUDIT))
    ensure_signing_key(settings)
    app = create_app(settings, engine=engine, clock=clock)  # installs the publisher on this engine
    built = full_round(engine, clock)
    with UnitOfWork(engine) as uow:
        add_user(
            uow, clock, STAFF, username="sfj", display_name="司法局审查员", role="reviewer", password=PASSWORD,
            office_id=demo_office_id(engine),
        )
        head = uow.checkpoint()
    assert head is not None
    client = TestClient(app, base_url="http://testserver", follow_redirects=False)
    csrf = login(client, "sfj")
    page = client.get(f"/review/rounds/{built.round_id}").text
    assert 'data-testid="checkpoints-ok"' in page and "本机关发布的检查点" in page
    assert "审计检查点：序号" in page and f"密钥编号 {head.key_id}" in page, "the review package prints it"

    upload = {"checkpoint": ("head.json", json.dumps(head.to_dict()).encode(), "application/json")}
    answer = client.post(f"/review/rounds/{built.round_id}/checkpoint", data={"csrf_token": csrf}, files=upload)
    assert answer.status_code == 200 and "上传的检查点：1 个检查点签名有效" in answer.text

    with engine.begin() as conn:  # truncate the trail and rewrite the head row to match
        keep = head.seq - 3
        conn.execute(text("DELETE FROM auditevent WHERE seq > :k"), {"k": keep})
        conn.execute(
            text("UPDATE audithead SET seq = :k, hash = (SELECT hash FROM auditevent WHERE seq = :k)"), {"k": keep}
        )
    answer = client.post(f"/review/rounds/{built.round_id}/checkpoint", data={"csrf_token": csrf}, files=upload)
    assert 'data-testid="checkpoints-broken"' in answer.text and "AUDIT_CHECKPOINT_MISSING" in answer.text
    assert 'data-testid="audit-ok"' in answer.text, "the bare chain alone would not have noticed"

    refused = client.post(
        f"/review/rounds/{built.round_id}/checkpoint",
        data={"csrf_token": csrf},
        files={"checkpoint": ("x.json", b"not json", "application/json")},
    )
    assert refused.status_code == 422 and "检查点文件" in refused.text


def test_the_api_signs_the_head_and_checks_tables_and_checkpoints(
    engine: Engine, db_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    settings = load_settings(write_config(tmp_path / "config.toml", db_url, AUDIT))
    ensure_signing_key(settings)
    app = create_app(settings, engine=engine, clock=clock)
    full_round(engine, clock)
    with UnitOfWork(engine) as uow:
        add_user(
            uow, clock, STAFF, username="sfj", display_name="司法局审查员", role="reviewer", password=PASSWORD,
            office_id=demo_office_id(engine),
        )
        uow.commit()
    client = TestClient(app, base_url="http://testserver", follow_redirects=False)
    login(client, "sfj")
    head = client.get("/api/v1/audit/checkpoint").json()
    assert set(head) == {"seq", "hash", "at", "key_id", "signature"}
    verdict = client.get("/api/v1/audit/verify", params={"state": "true"}).json()
    assert verdict["ok"] and verdict["checkpoints"]["ok"] and verdict["differences"] == []
    assert verdict["checkpoints"]["latest"]["seq"] == head["seq"]
    with engine.begin() as conn:
        conn.execute(text("UPDATE recipient SET state = 'no_comments' WHERE state = 'deemed_no_objection'"))
    verdict = client.get("/api/v1/audit/verify", params={"state": "true"}).json()
    assert not verdict["ok"]
    assert {(d["field"], d["expected"], d["found"]) for d in verdict["differences"]} == {
        ("状态", "deemed_no_objection", "no_comments")
    }
