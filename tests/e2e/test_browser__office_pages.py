"""The office's everyday pages in Debian's Chromium (issue 11): deciding one row at a time with
"只看未决定" kept, 印发 with the signed final document, how the round (every tab), the decisions, the
reviewer's page and 任务跟踪 print (content only: no menu, tabs, buttons or forms), and the admin's
account page with everyone's own password change. Screenshots and PDFs go to test-artifacts/browser/."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.uow import UnitOfWork, uow_factory
from tests.e2e import test_browser__first_day as first_day
from tests.e2e.test_browser__first_day import DESKTOP, PHONE, _check, _login, _screen
from tests.e2e.test_browser__story import ARTIFACTS
from tests.support.live_server import live_server
from tests.support.scenario import STAFF
from tests.support.web import WebWorld, build_world
from workflow.services.deadlines import sweep
from workflow.services.replies import CommentInput, SubmitReply, submit_reply

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]
browser = first_day.browser  # the same Chromium fixture
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _closed_with_comments(world: WebWorld) -> list[int]:
    ids: list[int] = []
    replies = (("测试单位001", [("序号8", "建议增加邮递行业监管"), ("序号12", "建议设立消防安全管理中心")]),
               ("测试单位002", [("序号8", "建议写明牵头单位")]))
    for unit, rows in replies:
        with UnitOfWork(world.engine) as uow:
            cmd = SubmitReply(round_id=world.round_id, unit_name=unit, comments=[CommentInput(t, x) for t, x in rows])
            ids += submit_reply(uow, world.clock, STAFF, cmd).comment_ids
    world.clock.set(world.deadline + timedelta(minutes=1))
    sweep(uow_factory(world.engine), world.clock)
    return ids


def _printed_view(page, name: str, content: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Under the print stylesheet: the content is shown, the menu, tabs, buttons and forms are not."""
    page.emulate_media(media="print")
    try:
        page.screenshot(path=str(ARTIFACTS / f"office-{name}-print.png"), full_page=True)
        for selector in content:
            assert page.locator(selector).first.is_visible(), f"{name}: {selector} prints"
        assert page.locator("header.top").is_hidden(), f"{name}: the menu does not print"
        for hidden in ("button", "form", "input", "select", "textarea", ".tabs", "nav a"):
            shown = page.locator(f"{hidden} >> visible=true").count()
            assert shown == 0, f"{name}: {shown} × {hidden} would print"
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{name}: {scroll} px wide when printed"
    finally:
        page.emulate_media(media="no-override")


def _pdf_text(page, name: str) -> str:  # type: ignore[no-untyped-def]
    pdf = ARTIFACTS / f"office-{name}.pdf"
    page.pdf(path=str(pdf), format="A4")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_rows_decided_one_by_one_then_issued_with_the_signed_file_and_every_page_prints(  # type: ignore[no-untyped-def]
    browser, world: WebWorld, tmp_path: Path
) -> None:
    first, second, third = _closed_with_comments(world)
    signed = tmp_path / "孝政发〔2026〕5号（盖章）.pdf"
    signed.write_bytes(PDF)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    rid = world.round_id
    with live_server(world.settings, world.engine, world.clock, ready="/login") as url:
        staff = _screen(browser, DESKTOP)
        _login(staff, url, "zhaojian")
        staff.goto(f"{url}/rounds/{rid}/decisions")
        staff.check("#only-undecided")
        assert "undecided=1" in staff.url, "the filter is in the address, so a reload keeps it"
        row = staff.locator(f"#comment-{first}")
        row.locator("select[name=outcome]").select_option("rejected")
        row.locator(f"[data-testid=save-row-{first}]").click()
        assert "必须说明理由" in row.locator("[data-error-for=reason]").inner_text(), "the problem beside the row"
        assert row.locator("select[name=outcome]").input_value() == "rejected", "what was typed is kept"
        assert staff.locator("#only-undecided").is_checked()
        _check(staff, "office-01-row-refused")
        row.locator("select[data-snippet-for]").select_option("理由不充分或无依据，不予采纳。")
        assert row.locator("textarea[name=reason]").input_value() == "理由不充分或无依据，不予采纳。"
        row.locator(f"[data-testid=save-row-{first}]").click()
        staff.wait_for_url(f"**/rounds/{rid}/decisions?undecided=1&ok=decided#comment-{second}")
        assert staff.locator("#only-undecided").is_checked(), "the filter survives the save"
        assert staff.locator("tr[data-comment]:visible").count() == 2, "the decided row is out of the way"
        assert staff.locator("[data-testid=progress]").inner_text() == "1 / 3"
        for cid in (second, third):
            with staff.expect_navigation():
                staff.locator(f"#comment-{cid} [data-testid=save-row-{cid}]").click()  # 予以采纳, the first choice
        assert staff.locator("[data-testid=progress]").inner_text() == "3 / 3"
        assert staff.locator("tr[data-comment]:visible").count() == 0, "nothing left to decide on screen"
        _printed_view(staff, "decisions-filtered", ["table.decisions"])
        staff.emulate_media(media="print")
        assert staff.locator("tr[data-comment]:visible").count() == 3, "paper has every decision, filter or not"
        staff.emulate_media(media="no-override")
        staff.uncheck("#only-undecided")
        assert staff.locator("tr[data-comment]:visible").count() == 3
        _check(staff, "office-02-decided")
        _printed_view(staff, "decisions", ["table.decisions", "tr[data-comment]"])
        staff.click("#submit-review")
        staff.wait_for_url(f"**/rounds/{rid}?ok=submitted")

        reviewer = _screen(browser, DESKTOP)
        _login(reviewer, url, "sfj")
        reviewer.goto(f"{url}/review/rounds/{rid}")
        reviewer.click("#approve")
        reviewer.wait_for_url("**ok=approved")

        staff.goto(f"{url}/rounds/{rid}")
        staff.fill("#issue-number", "孝政发〔2026〕5号")
        staff.set_input_files("#issue-signed", str(signed))
        staff.click("#issue-button")
        staff.wait_for_url(f"**/rounds/{rid}?ok=issued")
        assert staff.locator("[data-testid=issued-number-top]").inner_text() == "孝政发〔2026〕5号"
        assert staff.locator("[data-testid=signed-link]").inner_text() == signed.name
        _check(staff, "office-03-round-issued")
        _printed_view(staff, "round", ["[data-testid=outcome]", "[data-testid=recipients]", "[data-testid=process]"])
        staff.goto(f"{url}/rounds/{rid}?tab=audit")
        _printed_view(staff, "round-audit", ["[data-testid=audit]", "[data-testid=outcome]"])
        staff.goto(f"{url}/rounds/{rid}?tab=all")
        _check(staff, "office-04-round-all")
        shown = ["[data-testid=recipients]", "[data-testid=audit]", "[data-testid=signed-link]"]
        _printed_view(staff, "round-all", shown)
        printed = _pdf_text(staff, "round-all")
        assert "征求对象" in printed and "审计记录" in printed and "孝政发〔2026〕5号" in printed
        assert "建议增加邮递行业监管" in printed, "the replies print"
        assert "撤销链接并重发" not in printed and "退出" not in printed and "打印本页" not in printed
        with staff.expect_download() as download:
            staff.click("[data-testid=signed-link]")
        assert Path(download.value.path()).read_bytes() == PDF

        reviewer.goto(f"{url}/review/rounds/{rid}")
        assert reviewer.locator("[data-testid=issued-number]").inner_text() == "孝政发〔2026〕5号"
        _check(reviewer, "office-05-review-issued")
        shown = ["[data-testid=audit]", "[data-testid=review-period]", "[data-testid=issued]"]
        _printed_view(reviewer, "review", shown)
        staff.goto(f"{url}/tasks")
        _check(staff, "office-06-tasks")
        _printed_view(staff, "tasks", ["[data-testid=items]"])
        assert staff.locator("text=导入整改措施表").is_visible(), "on screen the forms are there"
        staff.emulate_media(media="print")
        assert staff.locator("text=导入整改措施表").is_hidden(), "no empty form headings on paper"
        widths = staff.evaluate(
            "Array.from(document.querySelectorAll('table.items tbody tr:first-child td'))"
            ".map(td => Math.round(td.getBoundingClientRect().width))"
        )
        assert min(widths[:6]) >= 40 and widths[4] >= 70 and widths[5] >= 70, f"columns readable on paper: {widths}"
        staff.emulate_media(media="no-override")


def test_the_admin_manages_accounts_and_a_clerk_changes_her_password(browser, world: WebWorld) -> None:  # type: ignore[no-untyped-def]
    with live_server(world.settings, world.engine, world.clock, ready="/login") as url:
        admin = _screen(browser, DESKTOP)
        _login(admin, url, "admin")
        admin.click("text=账号管理")
        admin.wait_for_url("**/admin/users")
        admin.fill("#new-username", "liuqing")
        admin.fill("#new-name", "刘青")
        admin.select_option("#new-role", "staff")
        admin.fill("#new-password", "qingqing-2026")
        admin.fill("#new-password2", "qingqing-2027")
        admin.click("#create-user")
        assert admin.locator("[data-error-for=password2]").inner_text() == "两次输入的新密码不一致。"
        assert admin.locator("#new-username").input_value() == "liuqing" and admin.locator("#new-name").input_value()
        assert admin.locator("#new-password").input_value() == "", "a password is never sent back"
        _check(admin, "office-07-accounts-refused")
        admin.fill("#new-password", "qingqing-2026")
        admin.fill("#new-password2", "qingqing-2026")
        admin.click("#create-user")
        admin.wait_for_url("**ok=user_created")
        assert admin.locator("tr[data-account=liuqing]").is_visible()
        admin.click("[data-testid=toggle-zhaojian]")  # asks first; the dialog is answered yes
        admin.wait_for_url("**ok=user_disabled")
        assert "已停用" in admin.locator("tr[data-account=zhaojian]").inner_text()
        _check(admin, "office-08-accounts")

        clerk = _screen(browser, PHONE)
        clerk.goto(f"{url}/login")
        clerk.fill("#username", "liuqing")
        clerk.fill("#password", "qingqing-2026")
        clerk.click("button[type=submit]")
        clerk.wait_for_url(f"{url}/")
        assert clerk.locator("text=账号管理").count() == 0, "only admins see the accounts"
        clerk.click("text=修改密码")
        clerk.fill("#old_password", "qingqing-2026")
        clerk.fill("#new_password", "liuqing-new-2026")
        clerk.fill("#new_password2", "liuqing-new-2026")
        clerk.click("#change-password")
        clerk.wait_for_url("**ok=password_changed")
        _check(clerk, "office-09-password-phone", phone=True)
        clerk.goto(f"{url}/admin/users")
        assert "只有系统管理员可以管理账号" in clerk.content()
    with UnitOfWork(world.engine) as uow:
        done = [(e.action, e.actor) for e in uow.audit.events() if e.action.startswith("user.")]
    assert done[-3:] == [("user.created", "管理员"), ("user.disabled", "管理员"), ("user.password_changed", "刘青")]
