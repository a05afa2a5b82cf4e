"""The unit's monthly progress page on a 390 px phone (Debian's Chromium via Playwright): nothing
scrolls sideways, each item can be answered with a tap and a text, the receipt comes back.
Screenshots under test-artifacts/browser-progress/."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from storage.uow import UnitOfWork
from tests.support.cli import write_config
from tests.support.live_server import live_server
from tests.support.scenario import STAFF, setup_office
from tests.support.web import PASSWORD, SECRET, T0
from workflow.config import load_settings
from workflow.services.accounts import add_user
from workflow.services.progress import StartProgress, request_token, start_progress
from workflow.services.tracking import ImportMeasures, import_measures, supervise
from workflow.tracking.schedule import ProgressSettings

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser-progress"
pytestmark = [pytest.mark.browser, pytest.mark.slow]
TABLE = """\
| 问题类别 | 具体问题 | 整改措施 | 省责任单位及责任人 | 市责任单位及责任人 | 完成时限 | 当月工作开展情况 |
|---|---|---|---|---|---|---|
| （一）防汛 | 1. 堤防隐患多，险情频发。 | 1. 完成堤防除险加固，建立巡查台账。 | 省水利厅 | 测试单位001 | 3月底 | |
| （二）城市安全 | 1. 电动自行车飞线充电。 | 1. 建成集中充电场所。 | 省住建厅 | 测试单位001 | 年内 | |
"""


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is required in CI (/usr/bin/chromium)")
        pytest.skip(reason="chromium not installed at /usr/bin/chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--lang=zh-CN"])
        yield b
        b.close()


def test_a_unit_reports_its_month_on_a_phone(browser, sqlite_engine: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock = FixedClock(T0)
    office = setup_office(sqlite_engine, clock, units=2)
    with UnitOfWork(sqlite_engine) as uow:
        items = import_measures(
            uow, clock, STAFF, ImportMeasures(office, "t.md", TABLE.encode(), date(2026, 3, 1))
        ).items
    with UnitOfWork(sqlite_engine) as uow:
        add_user(
            uow, clock, STAFF, username="zhaojian", display_name="赵健", role="staff", password=PASSWORD,
            office_id=office,
        )
    with UnitOfWork(sqlite_engine) as uow:
        supervise(uow, clock, STAFF, items[0]["id"], "3月20日前完成主体工程")
    with UnitOfWork(sqlite_engine) as uow:
        rnd = start_progress(uow, clock, STAFF, StartProgress(office, "2026-03"), ProgressSettings(), SECRET)
    with UnitOfWork(sqlite_engine) as uow:
        token = request_token(uow.tracking.requests(rnd.round_id)[0], SECRET)
    settings = load_settings(
        write_config(
            tmp_path / "config.toml", f"sqlite:///{tmp_path / 'unit.db'}", f'\n[security]\nsecret_key = "{SECRET}"\n'
        )
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with live_server(settings, sqlite_engine, clock) as url:
        phone = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=3,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        ).new_page()
        phone.goto(f"{url}/p/{token}")
        assert phone.locator("[data-testid=item]").count() == 2
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "nothing scrolls sideways"
        assert phone.locator("[data-testid=supervised]").inner_text() == "挂牌督办：3月20日前完成主体工程"
        phone.screenshot(path=str(ARTIFACTS / "01-progress-form.png"), full_page=True)
        for n, item in enumerate(items):
            phone.locator(f"input[name=status_{item['id']}][value=in_progress]").check()
            phone.fill(f"#text-{item['id']}", f"第{n + 1}项本月已推进")
        phone.set_input_files(
            f"#evidence-{items[0]['id']}",
            files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff photo"}],
        )
        button = phone.locator("#send-progress")
        assert button.bounding_box()["width"] >= 300, "a full-width button for a thumb"
        button.click()
        phone.wait_for_selector("[data-testid=receipt]")
        assert "收到你单位报送的2项进展" in phone.locator("[data-testid=receipt]").inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.screenshot(path=str(ARTIFACTS / "02-receipt.png"), full_page=True)

        staff = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
        staff.goto(f"{url}/login")
        staff.fill("#username", "zhaojian")
        staff.fill("#password", PASSWORD)
        staff.click("button[type=submit]")
        staff.goto(f"{url}/tasks")
        assert staff.locator(".chart svg rect").count() >= 2, "the month's bar and the legend"
        staff.screenshot(path=str(ARTIFACTS / "03-staff-tasks.png"), full_page=True)
    with UnitOfWork(sqlite_engine) as uow:
        assert len(uow.tracking.reports(rnd.round_id)) == 2 and len(uow.tracking.evidence(items[0]["id"])) == 1
