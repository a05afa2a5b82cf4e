"""Registering sealed paper forms on the round page, before and after the deadline sweep."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.timefmt import to_beijing
from storage.uow import UnitOfWork, uow_factory
from tests.support.web import WebWorld, build_world, login
from workflow.services.deadlines import sweep
from workflow.services.queries import round_status


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _local(world: WebWorld, minutes_from_deadline: int) -> str:
    """What the datetime-local field sends: Beijing wall time without a zone."""
    return to_beijing(world.deadline + timedelta(minutes=minutes_from_deadline)).strftime("%Y-%m-%dT%H:%M")


def test_paper_forms_after_the_sweep(world: WebWorld) -> None:
    world.clock.set(world.deadline + timedelta(hours=2))
    sweep(uow_factory(world.engine), world.clock)
    client = world.client()
    csrf = login(client, "zhaojian")
    page = client.get(f"/rounds/{world.round_id}")
    assert "登记纸质或邮件回复" in page.text and "收到时间早于截止时间的回复按时计入" in page.text
    assert "调整截止时间" not in page.text

    def post(unit: str, received_at: str) -> object:
        return client.post(
            f"/rounds/{world.round_id}/paper-reply",
            data={
                "csrf_token": csrf,
                "unit": unit,
                "received_at": received_at,
                "sealed": "1",
                "target": ["第2项", "", ""],
                "text": ["建议明确牵头单位。", "", ""],
                "basis": ["", "", ""],
                "reason": ["", "", ""],
            },
        )

    bad = post("测试单位001", "昨天上午")
    assert bad.status_code == 422 and "收到时间“昨天上午”无法识别" in bad.text  # type: ignore[attr-defined]
    assert post("测试单位001", _local(world, -30)).status_code == 303  # type: ignore[attr-defined]
    assert post("测试单位002", _local(world, 30)).status_code == 303  # type: ignore[attr-defined]
    with UnitOfWork(world.engine) as uow:
        status = round_status(uow, world.round_id)
    states = {r["unit"]: (r["state"], r["late"]) for r in status["recipients"]}
    assert states["测试单位001"] == ("with_comments", False)
    assert states["测试单位002"] == ("deemed_no_objection", True)
    assert [c["unit"] for c in status["comments"]] == ["测试单位001"]


def test_a_returned_word_form_is_read_on_the_round_page(world: WebWorld) -> None:
    from docx import Document

    client = world.client()
    csrf = login(client, "zhaojian")
    blank = client.get(f"/rounds/{world.round_id}/documents/reply-form.docx", params={"unit": "测试单位003"})
    assert blank.status_code == 200
    doc = Document(io.BytesIO(blank.content))
    table = next(t for t in doc.tables if "修改意见" in t.rows[0].cells[2].text)
    table.rows[1].cells[1].text = "序号5"
    table.rows[1].cells[2].text = "建议明确乡镇应急管理办公室的人员编制。"
    table.rows[1].cells[3].text = "《山西省安全生产条例》"
    filled = io.BytesIO()
    doc.save(filled)
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def post(data: dict[str, object]) -> object:
        return client.post(
            f"/rounds/{world.round_id}/paper-reply",
            data={"csrf_token": csrf, "unit": "测试单位003", "channel": "email", **data},
            files={"form_docx": ("回复表.docx", filled.getvalue(), docx)},
        )

    typed_too = post({"target": ["序号1"], "text": ["另一条"], "basis": [""], "reason": [""]})
    assert typed_too.status_code == 422 and "已上传回复表时" in typed_too.text  # type: ignore[attr-defined]
    assert post({}).status_code == 303  # type: ignore[attr-defined]
    with UnitOfWork(world.engine) as uow:
        status = round_status(uow, world.round_id)
        [(reply, _)] = [(r, u) for r, u in uow.replies.for_round(world.round_id) if u.name == "测试单位003"]
        assert reply.channel == "email" and reply.attachment_name == "回复表.docx"
    assert [(c["unit"], c["target"], c["text"]) for c in status["comments"]] == [
        ("测试单位003", "序号5", "建议明确乡镇应急管理办公室的人员编制。")
    ]
