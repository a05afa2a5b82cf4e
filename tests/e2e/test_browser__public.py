"""Issue 16 in Chromium: a citizen on a 390 px phone reads a 规范性文件 draft article by article and comments
on 第五条; an enterprise comments on the whole draft; staff moderate, decide per group and issue; the public page
then shows the 采纳情况 and the citizen finds the outcome by receipt number. Every page: no sideways
scrolling, no English state names; phone pages: every field usable. Screenshots: test-artifacts/browser/."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from states.round import RoundState
from storage.uow import UnitOfWork
from tests.e2e.test_browser__first_day import DESKTOP, PHONE, _check, _login, _screen, browser  # noqa: F401
from tests.e2e.test_browser__story import ARTIFACTS
from tests.fixtures.drafts import GREENING_V1
from tests.support.cli import write_config
from tests.support.live_server import live_server
from tests.support.processes import wait_until
from tests.support.public import consultation_id, open_consultation
from tests.support.scenario import STAFF, setup_office
from tests.support.web import PASSWORD, SECRET, T0
from workflow.config import load_settings
from workflow.parsing.draft_file import parse_draft_file
from workflow.services.accounts import add_user
from workflow.services.deliberation import Deliberate, record_deliberation
from workflow.services.review import record_review

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]
TITLE = "某市城市绿化管理办法"
USABLE = 240  # px, as in the first-day test


def _phone(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """The first-day rules, with radio buttons (small by nature) and the off-screen honeypot left out."""
    _check(page, name)
    fields = (
        "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not(#website), main select, main textarea"
    )
    narrow = page.evaluate(
        f"""Array.from(document.querySelectorAll('{fields}')).filter(e => e.getClientRects().length)
           .map(e => [e.name || e.id, Math.round(e.getBoundingClientRect().width)]).filter(([n, w]) => w < {USABLE})"""
    )
    assert narrow == [], f"{name}: fields too narrow on a phone: {narrow}"
    radios = page.evaluate(
        "Array.from(document.querySelectorAll('label.choice')).map(l => l.getBoundingClientRect().height)"
    )
    assert all(h >= 30 for h in radios), f"{name}: the 意见人类别 choices are too small to tap: {radios}"


def test_the_public_comments_on_a_phone_and_finds_the_outcome(browser, sqlite_engine: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    engine = sqlite_engine
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=2)
    with UnitOfWork(engine) as uow:
        add_user(
            uow,
            clock,
            STAFF,
            username="zhaojian",
            display_name="赵健",
            role="staff",
            password=PASSWORD,
            office_id=office,
        )
    greening = parse_draft_file("greening_v1.txt", GREENING_V1.read_bytes())
    rid = open_consultation(
        engine, clock, office, T0 + timedelta(days=10), doc_type="normative", draft=greening, title=TITLE
    )
    cid = consultation_id(engine, rid)
    settings = load_settings(
        write_config(
            tmp_path / "config.toml", f"sqlite:///{tmp_path / 'unit.db'}", f'\n[security]\nsecret_key = "{SECRET}"\n'
        )
    )
    with live_server(settings, engine, clock) as url:
        citizen = _screen(browser, PHONE)
        citizen.goto(f"{url}/public")
        _phone(citizen, "public-01-list-phone")
        assert TITLE in citizen.inner_text("main") and "还剩10天" in citizen.inner_text("main")
        citizen.click(f"text={TITLE}")
        _phone(citizen, "public-02-draft-phone")
        assert citizen.locator("section.draft-item").count() >= 10, "the draft reads item by item"
        citizen.click("[data-comment-on='第五条']")
        assert citizen.locator("#target").input_value() == "第五条"
        citizen.locator("#comment").screenshot(path=str(ARTIFACTS / "public-02b-form-phone.png"))
        citizen.check("#kind-citizen")
        citizen.fill("#text", "建议第5项明确由哪个部门牵头，并写明完成时限。")
        citizen.fill("#reason", "职责不清容易推诿。")
        citizen.fill("#contact", "13900001234")
        citizen.click("#send-comment")
        receipt = citizen.locator("[data-testid=receipt]").inner_text()
        assert re.fullmatch(r"GK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", receipt)
        _phone(citizen, "public-03-receipt-phone")

        company = _screen(browser, DESKTOP)
        company.goto(f"{url}/public/{cid}")
        company.check("#kind-enterprise")
        company.select_option("#target", "全文")
        company.fill("#text", "整体上建议给企业留出六个月的过渡期。")
        company.click("#send-comment")
        assert company.locator("[data-testid=receipt]").is_visible()

        staff = _screen(browser, DESKTOP)
        _login(staff, url, "zhaojian")
        staff.goto(f"{url}/rounds/{rid}/public")
        assert "13900001234" in staff.inner_text("main"), "staff see the contact to ask back"
        staff.check("[data-check-all=comment_id]")
        staff.select_option("#action", "publish")
        staff.click("#moderate")
        staff.wait_for_url(f"**/rounds/{rid}/public?ok=moderated")
        _check(staff, "public-04-moderation")
        citizen.goto(f"{url}/public/{cid}")
        assert "已公开的意见（1条）" in citizen.inner_text("main")

        clock.advance(timedelta(days=11))

        def closed() -> bool:
            with UnitOfWork(engine) as uow:
                rnd = uow.rounds.get(rid)
                return rnd is not None and rnd.state == RoundState.closed

        assert wait_until(closed, timeout=10)
        _login(staff, url, "zhaojian")
        staff.goto(f"{url}/rounds/{rid}/decisions")
        assert staff.locator("#submit-review").is_disabled()
        staff.check("[data-check-all=group_id]")
        staff.select_option("#public-outcome", "adopted")
        staff.click("#save-public-decisions")
        staff.wait_for_url(f"**/rounds/{rid}/decisions?ok=decided")
        _check(staff, "public-05-decisions")
        staff.click("#submit-review")
        staff.wait_for_url(f"**/rounds/{rid}?ok=submitted")
        with UnitOfWork(engine) as uow:
            record_review(uow, clock, STAFF, rid, approve=True, reviewer="市司法局", opinion="同意")
        with UnitOfWork(engine) as uow:
            record_deliberation(uow, clock, STAFF, Deliberate(rid, "市政府第1次常务会议", date(2026, 3, 14)))
        staff.goto(f"{url}/rounds/{rid}")
        staff.fill("#issue-number", "某政发〔2026〕1号")
        staff.click("#issue-button")
        staff.wait_for_url(f"**/rounds/{rid}?ok=issued")

        citizen.goto(f"{url}/public/{cid}")
        assert citizen.locator("[data-testid=final]").is_visible()
        citizen.click("[data-testid=final] a")
        text = citizen.inner_text("main")
        assert "共收到社会公众意见 2 条" in text and "予以采纳 2 组" in text
        assert "13900001234" not in citizen.content()
        _phone(citizen, "public-06-feedback-phone")
        citizen.goto(f"{url}/public/receipt")
        citizen.fill("#no", receipt)
        citizen.click("#lookup")
        assert citizen.locator("[data-testid=decision]").inner_text() == "予以采纳"
        _phone(citizen, "public-07-outcome-phone")
