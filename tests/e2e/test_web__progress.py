"""The unit's monthly progress page (/p/<token>) and the staff's tracking page, over HTTP."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from states.tracked_item import TrackedItemState
from storage.uow import UnitOfWork
from tests.support.scenario import DEMO_PROFILE, STAFF
from tests.support.web import SECRET, WebWorld, build_world, login
from workflow.services.progress import StartProgress, request_token, start_progress
from workflow.services.tracking import ImportMeasures, import_measures, supervise
from workflow.tracking.schedule import ProgressSettings

TABLE = """\
| 问题类别 | 具体问题 | 整改措施 | 省责任单位及责任人 | 市责任单位及责任人 | 完成时限 | 当月工作开展情况 |
|---|---|---|---|---|---|---|
| （一）防汛 | 1. 堤防隐患多。 | 1. 完成堤防除险加固。 | 省水利厅 | 测试单位001牵头，测试单位002配合 | 3月底 | |
| （二）城市安全 | 1. 飞线充电。 | 1. 建成集中充电场所。 | 省住建厅 | 测试单位001 | 年内 | |
"""


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def started(world: WebWorld) -> tuple[str, list[int]]:
    """The measures imported, the first supervised, March's round started; unit 001's token and items."""
    with UnitOfWork(world.engine) as uow:
        office = uow.directory.office_by_code(DEMO_PROFILE.code)
        office_id = office.id if office and office.id else 0
        items = import_measures(
            uow, world.clock, STAFF, ImportMeasures(office_id, "t.md", TABLE.encode(), date(2026, 3, 1))
        ).items
    with UnitOfWork(world.engine) as uow:
        supervise(uow, world.clock, STAFF, items[0]["id"], "3月20日前完成主体工程")
    with UnitOfWork(world.engine) as uow:
        rnd = start_progress(uow, world.clock, STAFF, StartProgress(office_id, "2026-03"), ProgressSettings(), SECRET)
    with UnitOfWork(world.engine) as uow:
        request = next(q for q in uow.tracking.requests(rnd.round_id) if q.unit_name == "测试单位001")
    return request_token(request, SECRET), [i["id"] for i in items]


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_the_unit_reports_each_item_with_status_text_and_evidence(world: WebWorld) -> None:
    token, (flood, ebike) = started(world)
    client = world.client()
    page = client.get(f"/p/{token}")
    assert page.status_code == 200
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page.text
    assert page.text.count('data-testid="item"') == 2 and "挂牌督办：3月20日前完成主体工程" in page.text
    assert all(label in page.text for label in ("未开始", "推进中", "已完成", "受阻"))

    photo = b"\xff\xd8\xff evidence photo"
    sent = client.post(
        f"/p/{token}",
        data={
            "csrf_token": csrf(page.text),
            f"status_{flood}": "in_progress",
            f"text_{flood}": "已完成主体工程的六成",
            f"status_{ebike}": "done",
            f"text_{ebike}": "集中充电场所已投用",
        },
        files={f"evidence_{ebike}": ("验收照片.jpg", photo, "image/jpeg")},
    )
    assert sent.status_code == 303, sent.text
    again = client.get(sent.headers["location"]).text
    assert "已于" in again and "已完成主体工程的六成</textarea>" in again
    with UnitOfWork(world.engine) as uow:
        [evidence] = uow.tracking.evidence(ebike)
        done = uow.tracking.item(ebike)
    assert evidence.sha256 == hashlib.sha256(photo).hexdigest() and evidence.filename == "验收照片.jpg"
    assert done is not None and done.state == TrackedItemState.reported_done, "awaits staff sign-off, not closed"


def test_a_foreign_form_is_refused_and_after_the_due_time_the_page_says_a_report_is_late(world: WebWorld) -> None:
    token, (flood, _ebike) = started(world)
    client = world.client()
    forged = client.post(f"/p/{token}", data={"csrf_token": "x", f"status_{flood}": "done", f"text_{flood}": "x"})
    assert forged.status_code == 403
    world.clock.advance(timedelta(days=40))
    late = client.get(f"/p/{token}")
    assert late.status_code == 200 and 'data-testid="late"' in late.text and "逾期报送" in late.text
    assert client.get("/p/not-a-token").status_code == 404


def test_staff_see_the_supervision_view_with_chart_and_download_the_table(world: WebWorld) -> None:
    started(world)
    client = world.client()
    login(client, "zhaojian")
    page = client.get("/tasks")
    assert page.status_code == 200
    assert "<svg" in page.text and "<script" not in page.text.split("<main>")[1]
    assert "挂牌督办" in page.text and "2026年3月进展报送" in page.text
    xlsx = client.get("/tasks/documents/measures.xlsx?month=2026-03")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][:3] == ["问题类别", "具体问题", "整改措施"]
    assert sheet.max_row == 3
    docx = client.get("/tasks/documents/progress-summary.docx?month=2026-03")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_a_unit_may_answer_as_json_through_its_link(world: WebWorld) -> None:
    token, (flood, ebike) = started(world)
    client = world.client()
    body = {"items": [{"item_id": flood, "status": "推进中", "text": "按计划推进"}]}
    incomplete = client.post(f"/api/v1/progress/links/{token}", json=body)
    assert incomplete.status_code == 422 and incomplete.json()["error"]["code"] == "PROGRESS_INCOMPLETE"
    body["items"].append({"item_id": ebike, "status": "blocked", "text": "资金未到位"})
    answered = client.post(f"/api/v1/progress/links/{token}", json=body)
    assert answered.status_code == 200 and answered.json() == {
        "request_id": 1,
        "unit": "测试单位001",
        "state": "reported",
        "items": 2,
    }
