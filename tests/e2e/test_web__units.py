"""The unit directory page: edit, rename (the old name stays an alias), disable, import — all audited."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from storage.uow import UnitOfWork
from tests.support.cli import table_counts
from tests.support.scenario import DRAFT_TEXT
from tests.support.web import WebWorld, build_world, login
from workflow.services.audit import export_events


@pytest.fixture
def world(engine: Engine, db_url: str, tmp_path: Path) -> WebWorld:
    return build_world(engine, db_url, tmp_path)


def _form(unit_id: int, csrf: str, **changes: str) -> dict[str, str]:
    base = {"csrf_token": csrf, "name": f"测试单位{unit_id:03d}", "category": "member_unit", "active": "1"}
    base.update(
        {"contact": f"联系人{unit_id}", "phone": f"0358-{unit_id:07d}", "email": f"unit{unit_id}@xiaoyi.example.cn"}
    )
    return {**base, **changes}


def _unit(world: WebWorld, unit_id: int):  # type: ignore[no-untyped-def]
    with UnitOfWork(world.engine) as uow:
        return uow.directory.unit(unit_id)


def _unit_events(world: WebWorld) -> list[dict[str, object]]:
    with UnitOfWork(world.engine) as uow:
        return [e for e in export_events(uow) if e["action"] == "unit.updated"]


def _start(client: TestClient, csrf: str, **choice: object) -> object:
    h = {"X-CSRF-Token": csrf}
    draft = client.post(
        "/api/v1/drafts",
        data={"title": "第二份通知", "issuer": "孝义市人民政府"},
        files={"file": ("draft.txt", DRAFT_TEXT.encode(), "text/plain")},
        headers=h,
    ).json()
    body = {"draft_id": draft["draft_id"], "doc_number": "孝安办函〔2026〕2号", "workdays": 5, "contact": "赵健"}
    return client.post("/api/v1/rounds", headers=h, json={**body, "phone": "18335877837", **choice})


def test_rename_keeps_the_old_name_as_an_alias(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    page = client.get("/units")
    assert page.status_code == 200 and "在用" in page.text and "测试单位001" in page.text
    saved = client.post("/units/1", data=_form(1, csrf, name="测试单位甲", aliases="单位甲"))
    assert saved.status_code == 303
    unit = _unit(world, 1)
    assert unit.name == "测试单位甲" and json.loads(unit.aliases) == ["单位甲", "测试单位001"]
    [event] = _unit_events(world)
    assert event["payload"]["changed"]["name"] == "测试单位甲"  # type: ignore[index]
    assert (
        client.post("/units/1", data=_form(1, csrf, name="测试单位甲", aliases="单位甲；测试单位001")).status_code
        == 303
    )
    assert len(_unit_events(world)) == 1, "saving without a change writes no event"
    # the old name still reaches the unit, e.g. for a paper reply registered by staff
    reply = client.post(
        f"/api/v1/rounds/{world.round_id}/replies",
        headers={"X-CSRF-Token": csrf},
        json={"unit": "测试单位001", "no_comments": True},
    )
    assert reply.status_code == 201
    # the round started before the rename keeps the name the unit had when it was asked
    status = client.get(f"/api/v1/rounds/{world.round_id}").json()
    assert "测试单位001" in [r["unit"] for r in status["recipients"]]
    assert "测试单位甲" not in [r["unit"] for r in status["recipients"]]
    started = _start(client, csrf, all_units=True)
    assert "测试单位甲" in started.json()["recipients"]  # type: ignore[attr-defined]


def test_bad_edits_change_nothing(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    before = table_counts(world.engine)
    bad_mail = client.post("/units/2", data=_form(2, csrf, email="unit2@@xiaoyi"))
    assert bad_mail.status_code == 422 and "邮箱地址“unit2@@xiaoyi”格式不正确" in bad_mail.text
    bad_hook = client.post("/units/2", data=_form(2, csrf, webhook="ftp://hook.example.cn"))
    assert bad_hook.status_code == 422 and "仅支持 http(s) 地址" in bad_hook.text
    duplicate = client.post("/units/2", data=_form(2, csrf, name="测试单位003"))
    assert duplicate.status_code == 422 and "已存在" in duplicate.text
    assert client.post("/units/2", data={**_form(2, csrf), "csrf_token": "forged"}).status_code == 403
    assert table_counts(world.engine) == before and _unit(world, 2).name == "测试单位002"


def test_a_disabled_unit_is_not_asked_in_new_rounds(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    form = _form(4, csrf)
    del form["active"]  # the box unticked
    assert client.post("/units/4", data=form).status_code == 303
    assert _unit(world, 4).active is False
    named = _start(client, csrf, units=["测试单位004"])
    assert named.status_code == 422  # type: ignore[attr-defined]
    assert named.json()["error"] == {  # type: ignore[attr-defined]
        "code": "UNIT_INACTIVE",
        "message": "单位“测试单位004”已停用，不能作为征求对象。",
        "details": {"unit": "测试单位004"},
    }
    everyone = _start(client, csrf, all_units=True)
    assert everyone.status_code == 201  # type: ignore[attr-defined]
    assert "测试单位004" not in everyone.json()["recipients"]  # type: ignore[attr-defined]
    with UnitOfWork(world.engine) as uow:
        old_round = [u.name for _, u in uow.rounds.recipients(world.round_id)]
    assert "测试单位004" in old_round, "earlier rounds keep the unit"


def test_import_from_the_page(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    csv_text = (
        "名称,类别,别名,联系人,电话,邮箱,webhook\n"
        "市应急管理局,市安委会成员单位,应急局,王科长,0358-7000001,yjj@xiaoyi.example.cn,\n"
    )
    imported = client.post(
        "/units/import", data={"csrf_token": csrf}, files={"file": ("单位.csv", csv_text.encode(), "text/csv")}
    )
    assert imported.status_code == 303
    assert "市应急管理局" in client.get("/units").text
    wrong = client.post(
        "/units/import", data={"csrf_token": csrf}, files={"file": ("单位.csv", b"foo,bar\n1,2\n", "text/csv")}
    )
    assert wrong.status_code == 422 and "无法识别的表头“foo”" in wrong.text


def test_export_from_the_page_and_the_api(world: WebWorld) -> None:
    from openpyxl import load_workbook

    client = world.client()
    login(client, "zhaojian")
    assert "/units/export.xlsx" in client.get("/units").text
    page = client.get("/units/export.csv")
    assert page.status_code == 200 and page.content.startswith(b"\xef\xbb\xbf")
    assert page.content.decode("utf-8-sig").splitlines()[0] == "名称,类别,别名,联系人,电话,邮箱,webhook"
    api = client.get("/api/v1/units/export", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(api.content)).active
    assert sheet is not None and [c.value for c in sheet["A"]][1:] == [f"测试单位{i:03d}" for i in range(1, 5)]
    reviewer = world.client()
    login(reviewer, "sfj")
    assert reviewer.get("/api/v1/units/export").status_code == 403
