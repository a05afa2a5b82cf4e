"""A unit on a 390 px phone and staff and the reviewer at 1280 px, in Debian's Chromium (issue 11).

The whole journey: staff start a round (the form refuses a deadline and a day count together, beside
the fields), units reply from their phones (a comment typed while 无修改意见 is ticked is refused,
not dropped), the deadline passes, staff decide (the decisions print), the reviewer returns, staff
import the revision from the decisions page and resubmit, the reviewer approves, staff issue. On every
page: no horizontal scrolling, no English state names, no ``\\u`` escapes. Screenshots go to
test-artifacts/browser/.
"""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from kernel.timefmt import to_beijing
from storage.uow import UnitOfWork
from tests.e2e.test_browser__story import ARTIFACTS, _chromium
from tests.support.cli import write_config
from tests.support.live_server import live_server
from tests.support.processes import wait_until
from tests.support.scenario import DRAFT_TEXT, STAFF, setup_office
from tests.support.web import PASSWORD, SECRET, T0
from workflow.config import load_settings
from workflow.services.accounts import add_user
from workflow.services.links import link_token

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]
ENGLISH_STATES = re.compile(
    r"\b(pending|with_comments|no_comments|deemed_no_objection|soliciting|deciding|legality_review|"
    r"approved|returned|issued|withdrawn|drafting|open|closed|adopted|partly_adopted|rejected)\b"
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
USABLE = 240  # px: a field narrower than this cannot be typed into on a phone


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=_chromium(),
            headless=True,
            args=["--no-sandbox", "--lang=zh-CN", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        yield b
        b.close()


def _screen(browser, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # confirmations are answered yes (and counted below)
    return page


def _check(page, name: str, *, phone: bool = False) -> None:  # type: ignore[no-untyped-def]
    """The rules for every page: no sideways scrolling, nothing in English or escaped; then a screenshot."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"first-day-{name}.png"), full_page=True)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{name}: {scroll} px wide in a {inner} px window"
    text = page.evaluate("document.body.innerText")
    found = ENGLISH_STATES.search(text)
    assert found is None, f"{name}: English state name {found.group(0)!r}"
    assert "\\u" not in page.content(), f"{name}: escaped Chinese"
    if phone:
        fields = "main input:not([type=hidden]):not([type=checkbox]), main select, main textarea"
        narrow = page.evaluate(
            f"""Array.from(document.querySelectorAll('{fields}')).filter(e => e.getClientRects().length)
               .map(e => [e.name || e.id, Math.round(e.getBoundingClientRect().width)])
               .filter(([n, w]) => w < {USABLE})"""
        )
        assert narrow == [], f"{name}: fields too narrow on a phone: {narrow}"


def _login(page, url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def _world(engine: Engine, tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=4)
    for username, name, role in (("zhaojian", "赵健", "staff"), ("sfj", "司法局审查员", "reviewer")):
        with UnitOfWork(engine) as uow:
            add_user(
                uow, clock, STAFF, username=username, display_name=name, role=role, password=PASSWORD,
                office_id=office,
            )
    settings = load_settings(
        write_config(
            tmp_path / "config.toml", f"sqlite:///{tmp_path / 'unit.db'}", f'\n[security]\nsecret_key = "{SECRET}"\n'
        )
    )
    return clock, settings


def _tokens(engine: Engine, clock: FixedClock) -> dict[str, str]:
    with UnitOfWork(engine) as uow:
        tokens = {u.name: link_token(uow, clock, SECRET, r.id or 0) for r, u in uow.rounds.recipients(1)}
        uow.commit()
    return tokens


def test_the_whole_journey_on_a_phone_and_at_the_office(browser, sqlite_engine: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
    clock, settings = _world(engine, tmp_path)
    draft_file = tmp_path / "关于做好安全生产工作的通知.txt"
    draft_file.write_text(DRAFT_TEXT, encoding="utf-8")
    revised = tmp_path / "修改稿.txt"
    revised.write_text(
        DRAFT_TEXT.replace("深化“一盔一带”安全守护行动。", "深化“一盔一带”安全守护行动。进一步强化邮递行业安全监管。"),
        encoding="utf-8",
    )
    with live_server(settings, engine, clock) as url:
        staff = _screen(browser, DESKTOP)
        _login(staff, url, "zhaojian")
        _check(staff, "01-dashboard")

        # Starting a round: both a deadline and a day count are refused beside the fields, all kept (item 4)
        staff.goto(f"{url}/rounds/new")
        staff.fill("#title", "孝义市人民政府关于做好2023年安全生产工作的通知")
        staff.set_input_files("#file", str(draft_file))
        staff.click("text=上传并解析")
        assert staff.locator("#task-table").get_attribute("open") is None, "29 tasks fold away"
        assert staff.locator("#contact").input_value() == "赵健", "the clerk is the contact"
        staff.fill("#doc_number", "孝安办函〔2026〕1号")
        staff.fill("#unit-search", "测试单位00")
        staff.check("#units-all")
        assert staff.locator("#units-count").inner_text() == "4"
        deadline = to_beijing(clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        staff.fill("#deadline", deadline)
        staff.fill("#workdays", "5")
        staff.fill("#phone", "18335877837")
        staff.click("#start-round")
        assert "只能填写一项" in staff.locator("[data-error-for=deadline]").inner_text()
        assert staff.locator("[data-error-for=workdays]").is_visible()
        assert staff.locator("#deadline").input_value() == deadline and staff.locator("#phone").input_value()
        assert staff.locator("input[name=units]:checked").count() == 4, "the chosen units are kept"
        _check(staff, "02-start-refused")
        staff.fill("#workdays", "")
        staff.click("#start-round")
        staff.wait_for_url("**/rounds/1?ok=round_started")
        _check(staff, "03-round")

        # Units on their phones (items 1 and 3)
        tokens = _tokens(engine, clock)
        unit = _screen(browser, PHONE)
        unit.goto(f"{url}/r/{tokens['测试单位001']}")
        _check(unit, "04-unit-reply-phone", phone=True)
        assert unit.locator("table[data-rows=comments] thead").is_hidden(), "one field under the other, labelled"
        height = unit.evaluate("document.documentElement.scrollHeight")
        assert height < 6000, f"the reply page is {height} px tall on a phone"
        widths = unit.evaluate("Array.from(document.querySelectorAll('select[name=target]')).map(s => s.clientWidth)")
        assert min(widths) >= 300, f"the 条目 list shows its text: {widths}"
        unit.check("#no-comments")
        unit.select_option("select[name=target] >> nth=0", "序号8")
        unit.fill("textarea[name=text] >> nth=0", "建议在“交通运输”中增加“进一步强化邮递行业安全监管”。")
        unit.click("#send-reply")
        assert "不能同时" in unit.locator("[data-error-for=no_comments]").inner_text()
        assert "邮递行业" in unit.locator("textarea[name=text] >> nth=0").input_value(), "the comment is not dropped"
        _check(unit, "05-unit-refused-phone", phone=True)
        unit.uncheck("#no-comments")
        unit.select_option("select[name=target] >> nth=1", "序号12")
        unit.fill("textarea[name=text] >> nth=1", "建议推动乡镇设立消防安全管理中心。")
        unit.fill("textarea[name=reason] >> nth=1", "理由不充分也要写")
        unit.click("#send-reply")
        assert "共2条修改意见" in unit.locator("[data-testid=receipt]").inner_text()
        _check(unit, "06-unit-receipt-phone", phone=True)
        other = _screen(browser, PHONE)
        other.goto(f"{url}/r/{tokens['测试单位002']}")
        other.check("#no-comments")
        other.click("#send-reply")
        assert "无修改意见" in other.locator("[data-testid=receipt]").inner_text()

        clock.advance(timedelta(days=1, minutes=1))

        def closed() -> bool:
            with UnitOfWork(engine) as uow:
                rnd = uow.rounds.get(1)
                return rnd is not None and rnd.state == "closed"

        assert wait_until(closed, timeout=10)
        unit.goto(f"{url}/r/{tokens['测试单位003']}")
        _check(unit, "07-unit-deemed-phone", phone=True)

        # Deciding (items 7 and 9)
        _login(staff, url, "zhaojian")
        staff.goto(f"{url}/rounds/1/decisions")
        button = staff.locator("#submit-review")
        assert button.is_disabled()
        grey = button.evaluate("b => getComputedStyle(b).backgroundColor")
        assert grey != "rgb(143, 29, 29)", "a disabled button does not look like an enabled one"
        rows = staff.locator("tr[data-comment]")
        rows.nth(0).locator("input[name=comment_id]").check()
        staff.select_option("#outcome", "adopted")
        staff.fill("#change_task", "8")
        staff.click("#save-decisions")
        staff.check("#only-undecided")
        assert staff.locator("tr[data-comment]:visible").count() == 1, "只看未决定"
        staff.check("input[data-check-all=comment_id]")
        assert staff.locator("input[name=comment_id]:checked").count() == 1, "select-all takes the rows shown"
        staff.select_option("#outcome", "rejected")
        staff.click("#decide-form >> text=理由不充分或无依据，不予采纳。")  # the bulk form's snippet link
        staff.click("#save-decisions")
        assert staff.locator("[data-testid=progress]").inner_text() == "2 / 2"
        assert button.is_enabled() and button.evaluate("b => getComputedStyle(b).backgroundColor") != grey
        _check(staff, "08-decisions")
        pdf = ARTIFACTS / "first-day-08-decisions.pdf"
        staff.pdf(path=str(pdf), format="A4")
        printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "邮递行业" in printed and "测试单位001" in printed, "the decisions table prints"
        assert "保存采纳决定" not in printed
        staff.click("#submit-review")
        assert "已提交合法性审查" in staff.content()

        # The reviewer returns; staff revise from the decisions page and resubmit (item 9)
        reviewer = _screen(browser, DESKTOP)
        _login(reviewer, url, "sfj")
        reviewer.goto(f"{url}/review/rounds/1")
        _check(reviewer, "09-review")
        reviewer.fill("#opinion", "第8项表述需与上级文件一致，请修改后再报。")
        reviewer.click("#return")
        staff.goto(f"{url}/")
        assert "合法性审查退回" in staff.locator("[data-testid=todos]").inner_text()
        _check(staff, "10-dashboard-returned")
        staff.goto(f"{url}/rounds/1")
        assert "第8项表述需与上级文件一致" in staff.locator("[data-testid=outcome]").inner_text()
        staff.goto(f"{url}/rounds/1/decisions")
        staff.set_input_files("#revise-file", str(revised))
        staff.click("#revise-submit")
        staff.wait_for_url("**/rounds/1/decisions?ok=revised")
        _check(staff, "11-decisions-revised")
        staff.click("#submit-review")
        assert "已提交合法性审查" in staff.content()
        reviewer.goto(f"{url}/review/rounds/1")
        reviewer.click("#approve")
        reviewer.goto(f"{url}/rounds/1?tab=audit")
        _check(reviewer, "12-audit")
        assert "征求意见中 → 已截止" in reviewer.locator("[data-testid=audit]").inner_text()

        staff.goto(f"{url}/rounds/1")
        staff.fill("#issue-number", "孝政发〔2026〕1号")
        staff.click("#issue-button")
        assert "孝政发〔2026〕1号" in staff.locator("[data-testid=issued-number]").inner_text()
        _check(staff, "13-round-issued")
        unit.goto(f"{url}/r/{tokens['测试单位001']}")
        assert "孝政发〔2026〕1号" in unit.locator("[data-testid=issued-number]").inner_text(), "the unit sees it"
        _check(unit, "14-unit-after-phone", phone=True)


def test_staff_pages_fit_a_phone_too(browser, sqlite_engine: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The menu wraps as words, not one character per line; the round and error pages do not scroll sideways."""
    clock, settings = _world(sqlite_engine, tmp_path)
    with live_server(settings, sqlite_engine, clock) as url:
        staff = _screen(browser, PHONE)
        _login(staff, url, "zhaojian")
        heights = staff.evaluate(
            "Array.from(document.querySelectorAll('header.top nav a')).map(a => a.getBoundingClientRect().height)"
        )
        assert heights and max(heights) < 30, f"menu items wrap inside themselves: {heights}"
        _check(staff, "20-dashboard-phone")
        staff.goto(f"{url}/units")
        _check(staff, "21-units-phone")
        staff.goto(f"{url}/rounds/99")
        assert "返回上一页" in staff.content() and staff.locator("header.top nav").is_visible()
        _check(staff, "22-error-phone")
