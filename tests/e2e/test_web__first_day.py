"""A clerk's and a unit's first day (issue 11), over HTTP: errors beside the field with everything
kept, nothing dropped silently, the audit trail and the documents in correct Chinese, and the pages
saying what matters where people look."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.actors import Actor, Role
from storage.uow import UnitOfWork
from tests.e2e.test_web__start_round import _draft, _form
from tests.support.cli import table_counts
from tests.support.scenario import STAFF
from tests.support.web import PASSWORD, WebWorld, build_world, decided_round, login
from workflow.reports.render import render_report
from workflow.services.replies import CommentInput, SubmitReply, submit_reply
from workflow.services.review import record_review, submit_review

ENGLISH_STATES = re.compile(
    r"\b(pending|with_comments|no_comments|deemed_no_objection|open|closed|drafting|soliciting|deciding|"
    r"legality_review|approved|returned|issued|withdrawn|adopted|partly_adopted|rejected)\b"
)
REVIEWER = Actor("市司法局审查员", Role.reviewer)


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _field_error(html: str, field: str) -> str:
    found = re.search(rf'data-error-for="{field}">([^<]*)<', html)
    return found.group(1) if found else ""


def _visible_text(html: str) -> str:
    """What a person reads: no tags, no attribute values, no <details> with the raw record."""
    html = re.sub(r"(?s)<details class=\"raw.*?</details>", "", html)
    html = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", "", html)
    return re.sub(r"<[^>]+>", " ", html)


# --- 2. errors beside the field, everything kept, no dead ends -------------------------------------


def test_a_refused_start_form_comes_back_with_every_problem_beside_its_field(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    draft_id = _draft(client, csrf)
    before = table_counts(world.engine)
    refused = client.post(
        "/rounds",
        data=_form(csrf, draft_id, doc_number="安办函2026-2", contact="", deadline="2026-03-01T10:00"),
    )
    assert refused.status_code == 422 and table_counts(world.engine) == before
    assert "请修改以下" in refused.text, "all problems at once"
    assert "发文字号" in _field_error(refused.text, "doc_number") or _field_error(refused.text, "doc_number")
    assert _field_error(refused.text, "contact") == "请填写联系人。"
    assert 'value="安办函2026-2"' in refused.text and 'value="18335877837"' in refused.text, "what was typed is kept"
    assert 'class="error-code">错误代码：' in refused.text, "the code only in a small detail line"
    assert "<nav>" in refused.text, "the menu stays"


def test_the_error_page_has_the_menu_and_a_back_link_that_works_without_inline_script(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    refused = client.post(
        f"/rounds/{world.round_id}/deadline", data={"csrf_token": csrf, "deadline": "2026-03-05T10:00", "reason": " "}
    )
    assert refused.status_code in (409, 422)
    assert "<nav>" in refused.text and "发起征求意见" in refused.text
    assert f'href="/rounds/{world.round_id}"' in refused.text and "javascript:" not in refused.text
    assert 'class="error-code"' in refused.text


# --- 3. nothing dropped silently -------------------------------------------------------------------


def test_comments_typed_while_no_comments_is_ticked_are_not_dropped(world: WebWorld) -> None:
    client = world.client()
    token = world.token("测试单位001")
    page = client.get(f"/r/{token}")
    before = table_counts(world.engine)
    sent = client.post(
        f"/r/{token}",
        data={
            "csrf_token": _csrf(page.text),
            "no_comments": "1",
            "target": ["序号8"],
            "text": ["建议增加邮递行业监管"],
        },
    )
    assert sent.status_code == 422
    assert "不能同时" in _field_error(sent.text, "no_comments")
    assert "建议增加邮递行业监管</textarea>" in sent.text, "the comment is still in the form"
    assert '<option value="序号8" selected>' in sent.text
    counts = table_counts(world.engine)
    assert (counts["reply"], counts["comment"]) == (before["reply"], before["comment"]), "nothing saved as 无修改意见"


def test_several_bad_rows_are_reported_together(world: WebWorld) -> None:
    client = world.client()
    token = world.token("测试单位002")
    page = client.get(f"/r/{token}")
    sent = client.post(
        f"/r/{token}",
        data={
            "csrf_token": _csrf(page.text),
            "target": ["序号8", "序号99", ""],
            "text": ["", "第二条", "第三条"],
            "basis": ["依据一", "", ""],
        },
    )
    assert sent.status_code == 422
    message = _field_error(sent.text, "comments")
    assert "第1条修改意见没有内容" in message and "序号99" in message


# --- 4. deadline and working days both filled ------------------------------------------------------


def test_a_deadline_and_a_day_count_together_are_refused_beside_both_fields(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    draft_id = _draft(client, csrf)
    before = table_counts(world.engine)
    refused = client.post("/rounds", data=_form(csrf, draft_id, deadline="2026-12-10T10:00", workdays="5"))
    assert refused.status_code == 422 and table_counts(world.engine) == before
    assert _field_error(refused.text, "deadline") and _field_error(refused.text, "workdays")
    assert 'value="2026-12-10T10:00"' in refused.text and 'value="5"' in refused.text


# --- 5. the audit trail in Chinese -----------------------------------------------------------------


def test_the_audit_trail_reads_in_chinese_on_the_round_and_review_pages_and_in_the_report(world: WebWorld) -> None:
    decided_round(world)
    with UnitOfWork(world.engine) as uow:
        submit_review(uow, world.clock, STAFF, world.round_id)
    staff = world.client()
    login(staff, "zhaojian")
    audit = staff.get(f"/rounds/{world.round_id}?tab=audit").text
    reviewer = world.client()
    login(reviewer, "sfj")
    review = reviewer.get(f"/review/rounds/{world.round_id}").text
    for html in (audit, review):
        text = _visible_text(html)
        assert "\\u" not in html, "no escaped Chinese anywhere, not even in the raw record"
        assert not ENGLISH_STATES.search(text), ENGLISH_STATES.search(text)
        assert "recipient:" not in text and "comment:" not in text
        assert "系统（系统）" not in text
        assert "待回复 → 逾期未回复" in text or "逾期未回复" in text
        assert "测试单位003" in text, "objects by name"
        assert "意见第2条（测试单位002）" in text
        assert "<details" in html and "原始记录" in html, "the raw event one click away"
    assert "征求意见中 → 已截止" in _visible_text(audit)
    with UnitOfWork(world.engine) as uow:
        report = render_report(uow, world.round_id, "audit", "md").data.decode()
    assert "deemed_no_objection" not in report and "legality_review" not in report and "recipient:" not in report
    assert "合法性审查中" in report or "合法性审查" in report


# --- 6. document texts -----------------------------------------------------------------------------


def test_the_documents_say_each_decision_once_and_name_the_reviewing_unit(world: WebWorld) -> None:
    decided_round(world)
    with UnitOfWork(world.engine) as uow:
        submit_review(uow, world.clock, STAFF, world.round_id)
    with UnitOfWork(world.engine) as uow:
        record_review(uow, world.clock, REVIEWER, world.round_id, approve=True, reviewer="市司法局审查员", opinion="")
    with UnitOfWork(world.engine) as uow:
        adoption = render_report(uow, world.round_id, "adoption", "md").data.decode()
        explanation = render_report(uow, world.round_id, "explanation", "md").data.decode()
    assert "不予采纳，理由不充分或无依据。" in adoption
    assert "不予采纳，理由不充分或无依据，不予采纳" not in adoption
    assert "已在修改稿" not in adoption, "no revised version exists"
    assert "市司法局审查员" not in adoption and "市司法局" in adoption
    assert "《孝义市安全生产委员会办公室关于对〈" in explanation and "〉征求意见的函》" in explanation
    assert "关于对《" not in explanation, "a title cited inside 《》 has its own 书名号 turned into 〈〉"


# --- 7. print, warnings, the directory --------------------------------------------------------------


def test_saving_a_unit_without_a_name_answers_in_chinese_beside_the_field(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    with UnitOfWork(world.engine) as uow:
        unit = next(u for u in uow.directory.units() if u.name == "测试单位002")
    refused = client.post(
        f"/units/{unit.id}", data={"csrf_token": csrf, "name": "", "category": "member_unit", "phone": "0358-1234567"}
    )
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("text/html")
    assert _field_error(refused.text, "name") == "单位名称不能为空。"
    assert '"detail"' not in refused.text
    assert 'value="0358-1234567"' in refused.text, "the other fields typed are kept"


def test_no_offline_delivery_warning_without_units_to_name(world: WebWorld) -> None:
    decided_round(world)
    with UnitOfWork(world.engine) as uow:
        submit_review(uow, world.clock, STAFF, world.round_id)
    with UnitOfWork(world.engine) as uow:
        record_review(uow, world.clock, REVIEWER, world.round_id, approve=True, reviewer="市司法局审查员", opinion="")
    client = world.client()
    login(client, "zhaojian")
    page = client.get(f"/rounds/{world.round_id}").text
    assert "通知需线下送达：<" not in page and "通知需线下送达：\n" not in page


def test_decisions_are_outside_the_form_so_they_print(world: WebWorld) -> None:
    decided_round(world)
    client = world.client()
    login(client, "zhaojian")
    page = client.get(f"/rounds/{world.round_id}/decisions").text
    table_at, form_at = page.index('<table class="decisions">'), page.index('id="decide-form"')
    assert table_at < form_at and page.count("<form") == page.count("</form>")
    assert page.rfind("</form>", 0, table_at) >= page.rfind("<form", 0, table_at), "the table is in no form"
    assert 'form="decide-form"' in page


# --- 8. login ----------------------------------------------------------------------------------------


def test_a_wrong_password_keeps_the_user_name_and_too_many_tries_say_how_long_to_wait(world: WebWorld) -> None:
    client = world.client()
    page = client.get("/login")
    token = _csrf(page.text)
    wrong = client.post("/login", data={"username": "zhaojian", "password": "nope", "csrf_token": token})
    assert wrong.status_code == 401 and 'id="username" name="username"' in wrong.text
    assert 'value="zhaojian"' in wrong.text
    for _ in range(12):
        last = client.post("/login", data={"username": "zhaojian", "password": "nope", "csrf_token": _csrf(wrong.text)})
        wrong = last
    assert last.status_code == 429 and "分钟后再试" in last.text and 'value="zhaojian"' in last.text
    ok = client.post("/login", data={"username": "zhaojian", "password": PASSWORD, "csrf_token": _csrf(last.text)})
    assert ok.status_code == 429, "still limited: the wait is real"


# --- 9. confirmations and the order of steps ----------------------------------------------------------


def test_risky_buttons_ask_first_and_the_decisions_page_shows_the_steps(world: WebWorld) -> None:
    client = world.client()
    login(client, "zhaojian")
    open_page = client.get(f"/rounds/{world.round_id}").text
    assert re.search(r'action="/rounds/\d+/links/\d+/revoke" data-confirm="撤销', open_page)
    decided_round(world)
    login(client, "zhaojian")  # a day later: signed in again
    page = client.get(f"/rounds/{world.round_id}/decisions").text
    assert 'data-testid="steps"' in page and "导入修改稿" in page and 'name="back_to" value="decisions"' in page
    assert "在修改稿中没有变化" not in page, "no warning before any revision exists"
    assert 'action="/rounds/1/submit-review" class="noprint">' in page.replace(
        f"/rounds/{world.round_id}/", "/rounds/1/"
    )


# --- 11. the outcome where people look ------------------------------------------------------------


def test_the_round_page_leads_with_the_review_outcome_and_the_dashboard_counts_deemed_units(world: WebWorld) -> None:
    decided_round(world)
    with UnitOfWork(world.engine) as uow:
        submit_review(uow, world.clock, STAFF, world.round_id)
    with UnitOfWork(world.engine) as uow:
        record_review(
            uow,
            world.clock,
            REVIEWER,
            world.round_id,
            approve=False,
            reviewer="市司法局审查员",
            opinion="第8项表述需与上级文件一致",
        )
    client = world.client()
    login(client, "zhaojian")
    page = client.get(f"/rounds/{world.round_id}").text
    outcome_at = page.index('data-testid="outcome"')
    assert outcome_at < page.index("征求对象（"), "the outcome sits above the recipients"
    assert "第8项表述需与上级文件一致" in page[outcome_at : page.index("征求对象（")]
    board = client.get("/").text
    assert "2家回复，2家视为无意见（共4家）" in board
    assert "合法性审查退回，请按审查意见修改后重新提交" in board, "a returned review is a to-do"


# --- 12. the small things --------------------------------------------------------------------------


def test_replies_are_grouped_by_unit_and_replaced_ones_fold_away(world: WebWorld) -> None:
    engine, clock = world.engine, world.clock
    for unit, text in (("测试单位002", "第一稿"), ("测试单位001", "甲"), ("测试单位002", "第二稿")):
        with UnitOfWork(engine) as uow:
            submit_reply(
                uow,
                clock,
                STAFF,
                SubmitReply(round_id=world.round_id, unit_name=unit, comments=[CommentInput("序号8", text)]),
            )
    client = world.client()
    login(client, "zhaojian")
    page = client.get(f"/rounds/{world.round_id}").text
    replies = page[page.index("回复及修改意见") :]
    assert replies.index("测试单位001") < replies.index("测试单位002"), "in the recipients' order, not by time"
    first, second = replies.index("第1次回复"), replies.index("第2次回复")
    assert replies.rfind("测试单位002", 0, second) > replies.rfind("测试单位001", 0, second)
    assert '<details class="card superseded">' in replies[:second], "the replaced reply is folded"
    assert first < second
    rows = re.findall(r"<tr><td>(测试单位00\d)</td>.*?</tr>", page, flags=re.S)
    assert rows, "recipients listed"
    unit1 = re.search(r"<tr><td>测试单位001</td>(.*?)</tr>", page, flags=re.S).group(1)  # type: ignore[union-attr]
    assert "<td>1</td>" not in unit1, "a single reply is not a change"


def test_the_start_form_is_prefilled_and_compact_and_the_paper_form_matches_the_unit_page(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    draft_id = _draft(client, csrf)
    page = client.get(f"/rounds/new?draft={draft_id}").text
    assert 'id="contact" name="contact" required value="赵健"' in page
    assert '<details class="card" id="task-table">' in page, "29 tasks fold away instead of pushing 第二步 down"
    assert 'data-check-all="units"' in page and 'id="unit-search"' in page and 'id="units-count"' in page
    round_page = client.get(f"/rounds/{world.round_id}").text
    paper = round_page[round_page.index('data-rows="paper"') :]
    assert '<select name="target" aria-label="条目1">' in paper and '<option value="序号8">' in paper
    assert 'aria-label="修改意见1"' in paper and 'aria-label="理由3"' in paper
    preview = client.post("/rounds/preview", data=_form(csrf, draft_id, deadline="2026-03-06T10:00"))
    assert '<link rel="stylesheet" href="/documents/document.css">' in preview.text and "<style>" not in preview.text
    css = client.get("/documents/document.css")
    assert css.status_code == 200 and "text-indent: 2em" in css.text


def test_the_dashboard_searches_filters_and_pages(world: WebWorld) -> None:
    client = world.client()
    login(client, "zhaojian")
    board = client.get("/").text
    assert 'id="round-filters"' in board and "共1轮" in board
    found = client.get("/", params={"q": world_doc_number(world)}).text
    assert "共1轮" in found
    assert "共0轮" in client.get("/", params={"q": "不存在的文号"}).text
    assert "共0轮" in client.get("/", params={"year": "2020"}).text
    assert "共1轮" in client.get("/", params={"state": "soliciting", "year": "2026"}).text
    assert "共0轮" in client.get("/", params={"state": "issued"}).text


def world_doc_number(world: WebWorld) -> str:
    with UnitOfWork(world.engine) as uow:
        rnd = uow.rounds.get(world.round_id)
        assert rnd is not None
        return rnd.doc_number
