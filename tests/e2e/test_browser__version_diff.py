"""An article draft on a 390 px phone (Chromium): the unit picks 第八条第二款 from the draft's own items, and
staff read the 版本对比 after a revision — nothing scrolls sideways, every field is usable.
Screenshots under test-artifacts/browser/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.uow import UnitOfWork, uow_factory
from tests.e2e.test_browser__first_day import PHONE, _check, _login, _screen, browser  # noqa: F401  (fixture)
from tests.e2e.test_web__version_diff import V2_TEXT, _token, article_round
from tests.support.live_server import live_server
from tests.support.scenario import STAFF
from tests.support.web import build_world
from workflow.services.deadlines import sweep
from workflow.services.drafts import revise_draft_file

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]


def test_article_reply_and_version_diff_on_a_phone(browser, sqlite_engine: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    world = build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)
    draft_id, rid = article_round(world)
    token = _token(world, rid, "测试单位001")
    with live_server(world.settings, sqlite_engine, world.clock) as url:
        unit = _screen(browser, PHONE)
        unit.goto(f"{url}/r/{token}")
        unit.select_option("select[name=target] >> nth=0", "第八条第二款")
        unit.fill("textarea[name=text] >> nth=0", "建议写明防护绿地的范围。")
        _check(unit, "article-01-unit-reply", phone=True)
        unit.click("#send-reply")
        unit.wait_for_selector("[data-testid=receipt]")

        world.clock.set(world.deadline + timedelta(minutes=5))
        sweep(uow_factory(sqlite_engine), world.clock)
        with UnitOfWork(sqlite_engine) as uow:
            revise_draft_file(uow, world.clock, STAFF, draft_id, "greening_v2.txt", V2_TEXT.encode())

        staff = _screen(browser, PHONE)
        _login(staff, url, "zhaojian")
        staff.goto(f"{url}/rounds/{rid}")
        assert "（现第十一条第二款（原第八条第二款））" in staff.locator("main").inner_text()
        staff.click("#version-diff")
        staff.wait_for_selector("[data-testid=diff-summary]")
        assert staff.locator("li.diff-item").count() == 9
        assert staff.locator("li[data-change=changed] del").count() >= 1
        _check(staff, "article-02-version-diff", phone=True)
        staff.select_option("#diff-from", "2")
        staff.select_option("#diff-to", "1")
        staff.click("#diff-show")
        staff.wait_for_selector("[data-testid=diff-summary]")
        assert "已按先后顺序对比" in staff.locator("main").inner_text()
