"""Over HTTP: staff list each unit's progress link, revoke it (the button asks first) and send a new one, by page
and API; a unit reporting after the due time through its link is kept as 逾期报送 and still counted 未报送,
while a unit that reported on time can no longer change its report."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from states.progress_round import ProgressRequestState
from storage.uow import UnitOfWork
from tests.support.scenario import STAFF
from tests.support.web import SECRET, WebWorld, build_world, login
from workflow.services.progress import StartProgress, request_token, start_progress
from workflow.services.tracking import ImportMeasures, import_measures
from workflow.tracking.schedule import ProgressSettings

TABLE = """\
| 问题类别 | 具体问题 | 整改措施 | 省责任单位及责任人 | 市责任单位及责任人 | 完成时限 | 当月工作开展情况 |
|---|---|---|---|---|---|---|
| （一）防汛 | 1. 堤防隐患多。 | 1. 完成堤防除险加固。 | 省水利厅 | 测试单位001 | 3月底 | |
| （二）城市安全 | 1. 飞线充电。 | 1. 建成集中充电场所。 | 省住建厅 | 测试单位002 | 年内 | |
"""


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def march(world: WebWorld) -> tuple[int, dict[str, tuple[int, str, int]]]:
    """March's round over two measures; per unit: (request id, link token, its item)."""
    with UnitOfWork(world.engine) as uow:
        office = uow.directory.first_office()
        office_id = office.id if office and office.id else 0
        import_measures(uow, world.clock, STAFF, ImportMeasures(office_id, "t.md", TABLE.encode(), date(2026, 3, 1)))
    with UnitOfWork(world.engine) as uow:
        rnd = start_progress(uow, world.clock, STAFF, StartProgress(office_id, "2026-03"), ProgressSettings(), SECRET)
    with UnitOfWork(world.engine) as uow:
        requests = uow.tracking.requests(rnd.round_id)
    return rnd.round_id, {
        q.unit_name: (q.id or 0, request_token(q, SECRET), int(q.item_ids.strip("[]"))) for q in requests
    }


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_staff_revoke_a_progress_link_on_the_page_and_the_unit_gets_a_new_one(world: WebWorld) -> None:
    rid, units = march(world)
    request_id, old, _item = units["测试单位001"]
    staff = world.client()
    login(staff, "zhaojian")
    assert f'href="/progress/rounds/{rid}/links"' in staff.get("/tasks").text
    page = staff.get(f"/progress/rounds/{rid}/links")
    assert page.status_code == 200 and f"/p/{old}" in page.text
    assert 'data-confirm="撤销测试单位001的报送链接？原链接将立即失效，新链接随通知重新发送。"' in page.text
    assert world.client().get(f"/p/{old}").status_code == 200

    done = staff.post(
        f"/progress/rounds/{rid}/requests/{request_id}/revoke", data={"csrf_token": csrf(page.text), "reissue": "1"}
    )
    assert done.status_code == 303 and done.headers["location"].endswith("ok=progress_link_reissued")
    assert world.client().get(f"/p/{old}").status_code == 404, "the old link reaches nothing"
    listed = staff.get(done.headers["location"]).text
    found = re.search(r'value="http://testserver/p/([^"]+)" id="plink-' + str(request_id), listed)
    assert found is not None
    new = found.group(1)
    assert new != old and world.client().get(f"/p/{new}").status_code == 200
    assert "新的报送链接已生成" in listed

    revoked = staff.post(
        f"/progress/rounds/{rid}/requests/{request_id}/revoke", data={"csrf_token": csrf(listed), "reissue": "0"}
    )
    assert revoked.status_code == 303
    assert 'data-testid="revoked"' in staff.get(f"/progress/rounds/{rid}/links").text
    assert world.client().get(f"/p/{new}").status_code == 404
    with UnitOfWork(world.engine) as uow:
        actions = [e.action for e in uow.audit.events() if e.action.startswith("progress_link.")]
    assert actions == ["progress_link.revoked", "progress_link.revoked"]

    reviewer = world.client()
    token = login(reviewer, "sfj")
    refused = reviewer.post(
        f"/progress/rounds/{rid}/requests/{request_id}/revoke", data={"csrf_token": token, "reissue": "1"}
    )
    assert refused.status_code == 403 and "错误代码：FORBIDDEN" in refused.text, "a reviewer may not"


def test_the_api_lists_and_revokes_progress_links(world: WebWorld) -> None:
    rid, units = march(world)
    request_id, old, _item = units["测试单位002"]
    staff = world.client()
    h = {"X-CSRF-Token": login(staff, "zhaojian")}
    listed = staff.get(f"/api/v1/progress/rounds/{rid}/links").json()
    assert {x["unit"]: x["url"] for x in listed}["测试单位002"] == f"http://testserver/p/{old}"
    assert {x["state_label"] for x in listed} == {"待报送"}
    wrong = staff.post(f"/api/v1/progress/rounds/{rid + 1}/requests/{request_id}/revoke-link", headers=h)
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "PROGRESS_REQUEST_NOT_FOUND"
    answer = staff.post(
        f"/api/v1/progress/rounds/{rid}/requests/{request_id}/revoke-link", headers=h, json={"reissue": False}
    )
    assert answer.status_code == 200 and answer.json() == {"request_id": request_id, "revoked": True, "reissued": False}
    assert {x["unit"]: x["url"] for x in staff.get(f"/api/v1/progress/rounds/{rid}/links").json()}[
        "测试单位002"
    ] is None
    again = staff.post(
        f"/api/v1/progress/rounds/{rid}/requests/{request_id}/revoke-link", headers=h, json={"reissue": False}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "PROGRESS_LINK_ALREADY_REVOKED"
    body = {"items": [{"item_id": units["测试单位002"][2], "status": "推进中", "text": "按计划推进"}]}
    assert staff.post(f"/api/v1/progress/links/{old}", json=body).status_code == 404


def test_a_late_report_through_the_link_is_kept_and_the_month_still_counts_the_unit_not_reported(
    world: WebWorld,
) -> None:
    rid, units = march(world)
    _rid1, on_time, flood = units["测试单位001"]
    _rid2, late, ebike = units["测试单位002"]
    client = world.client()
    sent = client.post(
        f"/api/v1/progress/links/{on_time}", json={"items": [{"item_id": flood, "status": "推进中", "text": "已开工"}]}
    )
    assert sent.status_code == 200 and sent.json()["state"] == "reported"

    world.clock.advance(timedelta(days=30))  # past 3月25日17时
    page = client.get(f"/p/{late}")
    assert 'data-testid="late"' in page.text and "<textarea" in page.text
    posted = client.post(
        f"/p/{late}",
        data={"csrf_token": csrf(page.text), f"status_{ebike}": "in_progress", f"text_{ebike}": "补报：选址完成"},
    )
    assert posted.status_code == 303
    receipt = client.get(posted.headers["location"]).text
    assert "逾期报送的1项进展" in receipt and "本月仍计为未报送" in receipt
    as_json = client.post(
        f"/api/v1/progress/links/{late}", json={"items": [{"item_id": ebike, "status": "推进中", "text": "再补充"}]}
    )
    assert as_json.status_code == 200 and as_json.json()["state"] == "reported_late"

    changed = client.post(
        f"/api/v1/progress/links/{on_time}", json={"items": [{"item_id": flood, "status": "受阻", "text": "改口"}]}
    )
    assert changed.status_code == 403 and changed.json()["error"]["code"] == "PROGRESS_LINK_READ_ONLY"
    assert 'data-testid="closed"' in client.get(f"/p/{on_time}").text

    staff = world.client()
    login(staff, "zhaojian")
    summary = staff.get("/api/v1/progress/rounds/2026-03/summary").json()
    assert summary["units"]["reported"] == ["测试单位001"] and summary["units"]["not_reported"] == ["测试单位002"]
    assert [x["unit"] for x in summary["units"]["reported_late"]] == ["测试单位002"]
    assert "其中逾期报送" in staff.get("/tasks").text
    with UnitOfWork(world.engine) as uow:
        request = uow.tracking.request(_rid2)
        [report] = [r for r in uow.tracking.reports(rid) if r.item_id == ebike]
    assert request is not None and request.state == ProgressRequestState.reported_late
    assert report.late and report.text == "再补充"
