"""The whole story in a real browser (Debian's Chromium via Playwright): staff start a round, two
units reply through their links, the scheduler marks the silent one, staff decide, the reviewer
returns, staff revise and resubmit, the reviewer approves, staff issue. Screenshots of every page
are saved under test-artifacts/browser/."""

from __future__ import annotations

import io
import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from kernel.timefmt import to_beijing
from storage.uow import UnitOfWork
from tests.support.cli import write_config
from tests.support.live_server import live_server
from tests.support.processes import wait_until
from tests.support.scenario import DRAFT_TEXT, STAFF, setup_office
from tests.support.web import PASSWORD, SECRET, T0
from workflow.config import load_settings
from workflow.services.accounts import add_user
from workflow.services.links import link_token

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _chromium() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is required in CI (/usr/bin/chromium)")
        pytest.skip(reason="chromium not installed at /usr/bin/chromium")
    return CHROMIUM


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    path = _chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--lang=zh-CN",  # native widgets (file and date inputs) as on an office PC
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def _office_screen(browser):  # type: ignore[no-untyped-def]
    """A page as an office PC shows it: 1366×768, Chinese locale, Beijing time."""
    return browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="zh-CN", timezone_id="Asia/Shanghai"
    ).new_page()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _printed(page, name: str) -> str:  # type: ignore[no-untyped-def]
    """Print the page as the office would (A4, print stylesheet), keep the PDF, return its text."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    page.pdf(path=str(pdf), format="A4")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _filled_form(page, url: str, tmp_path: Path, unit: str) -> Path:  # type: ignore[no-untyped-def]
    """The unit's reply form as the notice carried it, filled in with 无修改意见."""
    from docx import Document

    response = page.request.get(f"{url}/rounds/1/documents/reply-form.docx?unit={unit}")
    assert response.ok
    doc = Document(io.BytesIO(response.body()))
    next(p for p in doc.paragraphs if p.text.startswith("如无修改意见")).text = "如无修改意见，请在此注明：无修改意见"
    path = tmp_path / f"{unit}-回复表.docx"
    doc.save(str(path))
    return path


def _login(page, url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_whole_story_in_the_browser(browser, sqlite_engine: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = sqlite_engine
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
    draft_file = tmp_path / "关于做好安全生产工作的通知.txt"
    draft_file.write_text(DRAFT_TEXT, encoding="utf-8")
    for old in ARTIFACTS.glob("[0-9][0-9]-*"):  # only the story's own files: other browser tests keep theirs
        old.unlink()

    with live_server(settings, engine, clock) as url:
        staff = _office_screen(browser)
        _login(staff, url, "zhaojian")
        assert staff.locator("h1").first.inner_text() == "工作台"
        _shot(staff, "01-dashboard")

        staff.goto(f"{url}/rounds/new")
        staff.fill("#title", "孝义市人民政府关于做好2023年安全生产工作的通知")
        staff.set_input_files("#file", str(draft_file))
        staff.click("text=上传并解析")
        assert "重点任务分工（29项）" in staff.content()
        _shot(staff, "02-start-round")
        staff.fill("#doc_number", "孝安办函〔2026〕1号")
        for n in (1, 2, 3, 4):
            staff.check(f"input[name=units][value='测试单位00{n}']")
        staff.fill("#workdays", "3")  # the computed date appears at once, with the reasoning
        staff.wait_for_selector("#workdays-result.ok")
        assert "截止时间：2026年3月5日17时" in staff.locator("#workdays-result").inner_text()
        staff.fill("#workdays", "")
        deadline = to_beijing(clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        staff.fill("#deadline", deadline)
        staff.fill("#contact", "赵健")
        staff.fill("#phone", "18335877837")
        staff.click("#start-round")
        staff.wait_for_url("**/rounds/1?ok=round_started")
        assert "已发起征求意见" in staff.content()
        assert staff.locator("[data-testid=recipients] tbody tr").count() == 4
        _shot(staff, "03-round")
        printed = _printed(staff, "03-round-printed")
        assert "征求对象" in printed and "测试单位003" in printed and "孝安办函〔2026〕1号" in printed
        assert "登记纸质或邮件回复" not in printed and "退出" not in printed, "forms and navigation are not printed"
        assert "已发起征求意见" not in printed, "nor the notice about the last action"

        with UnitOfWork(engine) as uow:
            recipients = {u.name: r.id for r, u in uow.rounds.recipients(1)}
            tokens = {name: link_token(uow, clock, SECRET, rid or 0) for name, rid in recipients.items()}
            uow.commit()
        unit = _office_screen(browser)
        unit.goto(f"{url}/r/{tokens['测试单位001']}")
        assert unit.locator("[data-testid=unit-name]").inner_text() == "测试单位001"
        unit.click("#add-row")  # more comments than the form's five rows: one more row, empty
        assert unit.locator("textarea[name=text]").count() == 6
        assert unit.locator("textarea[name=text] >> nth=5").input_value() == ""
        unit.select_option("select[name=target] >> nth=0", "序号8")
        unit.fill("textarea[name=text] >> nth=0", "建议在“交通运输”中增加“进一步强化邮递行业安全监管”。")
        unit.fill("textarea[name=basis] >> nth=0", "省交通运输厅年度重点工作")
        unit.select_option("select[name=target] >> nth=1", "序号12")
        unit.fill("textarea[name=text] >> nth=1", "<b>建议</b>推动乡镇设立消防安全管理中心。")
        unit.click("#send-reply")
        assert "回执" in unit.locator("[data-testid=receipt]").inner_text()
        assert "共2条修改意见" in unit.content()
        _shot(unit, "04-unit-reply")
        other = _office_screen(browser)
        other.goto(f"{url}/r/{tokens['测试单位002']}")
        other.check("#no-comments")
        other.click("#send-reply")
        assert "无修改意见" in other.locator("[data-testid=receipt]").inner_text()
        assert "邮递行业" not in other.content()  # a unit sees only its own replies
        # 测试单位004 e-mails its Word 回复表 back; staff upload it as it came
        form = _filled_form(staff, url, tmp_path, "测试单位004")
        staff.goto(f"{url}/rounds/1")
        staff.select_option("#pr-unit", "测试单位004")
        staff.select_option("#pr-channel", "email")
        staff.set_input_files("#pr-form", str(form))
        staff.click("text=登记回复")
        staff.wait_for_url("**ok=reply_saved*")
        staff.wait_for_load_state("load")  # the upload's redirect: read the page once it has arrived
        assert "回复已登记" in staff.content()
        assert "无修改意见" in staff.locator("[data-testid=recipients]").inner_text()

        clock.advance(timedelta(days=1, minutes=1))  # the deadline passes; the running scheduler acts

        def silent_unit_deemed() -> bool:
            with UnitOfWork(engine) as uow:
                return {r.state for r, u in uow.rounds.recipients(1) if u.name == "测试单位003"} == {
                    "deemed_no_objection"
                }

        assert wait_until(silent_unit_deemed, timeout=10)
        unit.goto(f"{url}/r/{tokens['测试单位003']}")
        assert "逾期未回复，视为无意见" in unit.locator("[data-testid=closed]").inner_text()
        _shot(unit, "05-unit-after-deadline")

        _login(staff, url, "zhaojian")  # the session from yesterday has expired
        staff.goto(f"{url}/rounds/1/decisions")
        assert staff.locator("[data-testid=progress]").inner_text() == "0 / 2"
        assert "&lt;b&gt;建议&lt;/b&gt;" in staff.content()  # user text is escaped
        rows = staff.locator("tr[data-comment]")
        rows.nth(0).locator("input[name=comment_id]").check()
        staff.select_option("#outcome", "adopted")
        staff.fill("#change_task", "8")
        staff.click("#save-decisions")
        staff.locator("tr[data-comment]").nth(1).locator("input[name=comment_id]").check()
        staff.select_option("#outcome", "rejected")
        staff.click("#decide-form >> text=理由不充分或无依据，不予采纳。")  # the bulk form's snippet link
        staff.click("#save-decisions")
        assert staff.locator("[data-testid=progress]").inner_text() == "2 / 2"
        _shot(staff, "06-decisions")
        staff.click("#submit-review")
        assert "已提交合法性审查" in staff.content()

        reviewer = _office_screen(browser)
        _login(reviewer, url, "sfj")
        reviewer.goto(f"{url}/review/rounds/1")
        assert "哈希链校验通过" in reviewer.locator("[data-testid=audit-ok]").inner_text()
        _shot(reviewer, "07-review")
        reviewer.fill("#opinion", "第8项表述需与上级文件一致，请修改后再报。")
        reviewer.click("#return")
        assert "退回修改" in reviewer.content()

        revised = tmp_path / "修改稿.txt"
        revised.write_text(
            DRAFT_TEXT.replace(
                "深化“一盔一带”安全守护行动。", "深化“一盔一带”安全守护行动。进一步强化邮递行业安全监管。"
            ),
            encoding="utf-8",
        )
        staff.goto(f"{url}/rounds/1")
        assert "第8项表述需与上级文件一致" in staff.content()
        staff.set_input_files("#revise-file", str(revised))
        staff.click("#revise-submit")
        staff.wait_for_url("**ok=revised*")
        staff.wait_for_load_state("load")  # the upload's redirect, as above
        assert "修改稿已导入" in staff.content()
        staff.click("#resubmit-review")
        assert "已提交合法性审查" in staff.content()

        reviewer.goto(f"{url}/review/rounds/1")
        assert "审查期限至" in reviewer.locator("[data-testid=review-period]").inner_text()
        for point in ("authority", "procedure", "content"):  # point by point on the type's checklist
            reviewer.select_option(f"select[name=check_{point}]", "lawful")
        reviewer.click("#approve")
        assert "审查通过" in reviewer.content()

        staff.goto(f"{url}/rounds/1")
        staff.fill("#issue-number", "孝政发〔2026〕1号")
        staff.click("#issue-button")
        assert staff.locator("[data-testid=draft-state]").inner_text() == "已印发"
        staff.fill("#pub-date", "2026-03-10")
        staff.fill("#pub-where", "孝义市人民政府门户网站")
        staff.click("#publish-button")
        process = staff.locator("[data-testid=process]").inner_text()
        assert "公开发布情况已登记" in staff.content() and "2026年3月10日在孝义市人民政府门户网站公开发布" in process
        assert "内容是否符合法律、法规、规章和国家政策规定：合法" in process
        _shot(staff, "08-issued")
        staff.goto(f"{url}/rounds/1?tab=audit")
        assert "印发" in staff.content() and "合法性审查退回" in staff.content()
        _shot(staff, "09-audit")
        staff.goto(f"{url}/units")
        _shot(staff, "10-units")
    assert len(list(ARTIFACTS.glob("[0-9][0-9]-*.png"))) == 10  # the story's own ten (other browser tests add theirs)
