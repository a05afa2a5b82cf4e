"""采纳决定 one row at a time (issue 11): each comment has its own form; a refusal comes back as the page
(422) with the problem beside that row and what was typed kept; "只看未决定" survives a save; the bulk
form still decides several at once and is refused beside its own fields."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from storage.uow import UnitOfWork, uow_factory
from tests.e2e.test_web__version_diff import article_round
from tests.fixtures.drafts import GREENING_V2
from tests.support.cli import table_counts
from tests.support.scenario import STAFF, demo_office_id, new_round
from tests.support.web import WebWorld, build_world, login
from workflow.services.deadlines import sweep
from workflow.services.drafts import revise_draft_file
from workflow.services.replies import CommentInput, SubmitReply, submit_reply

DAY = timedelta(days=1)


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def closed_with_comments(world: WebWorld) -> list[int]:
    """Three comments from two units, the deadline passed: the decision queue holds three undecided rows."""
    ids: list[int] = []
    replies = (("测试单位001", [("序号8", "甲意见"), ("序号12", "乙意见")]), ("测试单位002", [("序号8", "丙意见")]))
    for unit, rows in replies:
        with UnitOfWork(world.engine) as uow:
            cmd = SubmitReply(
                round_id=world.round_id, unit_name=unit, comments=[CommentInput(t, text) for t, text in rows]
            )
            ids += submit_reply(uow, world.clock, STAFF, cmd).comment_ids
    world.clock.set(world.deadline + timedelta(minutes=1))
    sweep(uow_factory(world.engine), world.clock)
    return ids


def _row(html: str, comment_id: int) -> str:
    """The HTML of one comment's table row."""
    found = re.search(rf'(?s)<tr id="comment-{comment_id}".*?</tr>', html)
    assert found, f"row of comment {comment_id}"
    return found.group(0)


def _decisions(world: WebWorld) -> dict[int, tuple[str, str, int | None]]:
    with UnitOfWork(world.engine) as uow:
        return {
            c.id or 0: (d.outcome, d.reason, d.change_task_number)
            for c, _r, _u, d in uow.replies.decision_queue(world.round_id)
            if d is not None
        }


def test_each_row_has_its_own_form_and_saving_one_decides_only_that_comment(world: WebWorld) -> None:
    first, second, third = closed_with_comments(world)
    client = world.client()
    csrf = login(client, "zhaojian")
    page = client.get(f"/rounds/{world.round_id}/decisions").text
    for cid in (first, second, third):
        assert f'action="/rounds/{world.round_id}/decisions/{cid}"' in _row(page, cid), "a form in every row"
    saved = client.post(
        f"/rounds/{world.round_id}/decisions/{second}",
        data={"csrf_token": csrf, "outcome": "rejected", "reason": "不属于本文件规范范围。", "change_task": ""},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/rounds/{world.round_id}/decisions?ok=decided#comment-{third}", (
        "back at the next comment still undecided"
    )
    assert _decisions(world) == {second: ("rejected", "不属于本文件规范范围。", None)}, "only that comment"
    after = client.get(saved.headers["location"]).text
    assert "采纳决定已保存" in after and ">1 / 3<" in after
    assert "data-decided" in _row(after, second) and "data-decided" not in _row(after, first)
    # a decided row can be changed from its own form, with the task that carries the change
    changed = client.post(
        f"/rounds/{world.round_id}/decisions/{second}",
        data={"csrf_token": csrf, "outcome": "adopted", "reason": "", "change_task": "8"},
    )
    assert changed.status_code == 303 and _decisions(world)[second] == ("adopted", "", 8)
    audit = re.sub(r"(?s)<details class=\"raw.*?</details>", "", client.get(f"/rounds/{world.round_id}?tab=audit").text)
    assert "不予采纳 → 予以采纳" in audit, "a changed decision reads in Chinese in the audit trail"
    assert not re.search(r"\b(adopted|rejected)\b", audit)


def test_a_refused_row_comes_back_beside_that_row_with_what_was_typed(world: WebWorld) -> None:
    first, second, _third = closed_with_comments(world)
    client = world.client()
    csrf = login(client, "zhaojian")
    before = table_counts(world.engine)
    refused = client.post(
        f"/rounds/{world.round_id}/decisions/{first}",
        data={"csrf_token": csrf, "outcome": "partly_adopted", "reason": "  ", "change_task": "12", "undecided": "1"},
    )
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("text/html")
    assert table_counts(world.engine) == before, "nothing decided"
    row = _row(refused.text, first)
    assert 'data-error-for="reason">“部分采纳”必须说明理由。<' in row, "the problem beside the row's reason"
    assert '<option value="partly_adopted" selected>' in row and 'value="12"' in row, "what was typed is kept"
    assert 'class="error-code">错误代码：DECISION_REASON_REQUIRED' in row
    assert "data-error-for" not in _row(refused.text, second), "the other rows are untouched"
    assert 'id="only-undecided" data-only-undecided checked' in refused.text, "the filter is kept"
    assert '<table class="decisions hide-decided">' in refused.text
    bad_task = client.post(
        f"/rounds/{world.round_id}/decisions/{first}",
        data={"csrf_token": csrf, "outcome": "adopted", "reason": "", "change_task": "99"},
    )
    assert bad_task.status_code == 422
    assert "重点任务分工中没有序号99" in re.search(
        r'data-error-for="change_task">([^<]*)<', _row(bad_task.text, first)
    ).group(1)  # type: ignore[union-attr]
    not_a_number = client.post(
        f"/rounds/{world.round_id}/decisions/{first}",
        data={"csrf_token": csrf, "outcome": "adopted", "change_task": "八"},
    )
    assert not_a_number.status_code == 422 and 'data-error-for="change_task"' in _row(not_a_number.text, first)
    assert _decisions(world) == {}


def test_the_undecided_filter_survives_a_row_save(world: WebWorld) -> None:
    first, second, third = closed_with_comments(world)
    client = world.client()
    csrf = login(client, "zhaojian")
    filtered = client.get(f"/rounds/{world.round_id}/decisions", params={"undecided": "1"}).text
    assert '<table class="decisions hide-decided">' in filtered
    assert filtered.count('<input type="hidden" name="undecided" value="1">') == 4, "three rows and the bulk form"
    saved = client.post(
        f"/rounds/{world.round_id}/decisions/{third}",
        data={"csrf_token": csrf, "outcome": "adopted", "reason": "", "undecided": "1"},
    )
    assert saved.headers["location"] == (
        f"/rounds/{world.round_id}/decisions?undecided=1&ok=decided#comment-{first}"
    ), "the filter stays on, and the page opens at the first comment still undecided"
    for cid in (first, second):
        client.post(
            f"/rounds/{world.round_id}/decisions/{cid}", data={"csrf_token": csrf, "outcome": "adopted", "reason": ""}
        )
    last = client.post(
        f"/rounds/{world.round_id}/decisions/{third}", data={"csrf_token": csrf, "outcome": "adopted", "reason": ""}
    )
    assert last.headers["location"].endswith("ok=decided"), "no anchor once everything is decided"


def test_a_comment_of_another_round_or_none_is_not_found(world: WebWorld) -> None:
    closed_with_comments(world)
    client = world.client()
    csrf = login(client, "zhaojian")
    missing = client.post(
        f"/rounds/{world.round_id}/decisions/9999", data={"csrf_token": csrf, "outcome": "adopted", "reason": ""}
    )
    assert missing.status_code == 404 and "本轮没有编号为 9999 的修改意见" in missing.text
    assert (
        client.post(f"/rounds/{world.round_id}/decisions/1", data={"outcome": "adopted", "reason": ""}).status_code
        == 403
    ), "CSRF as every form"
    reviewer = world.client()
    reviewer_csrf = login(reviewer, "sfj")
    refused = reviewer.post(
        f"/rounds/{world.round_id}/decisions/1", data={"csrf_token": reviewer_csrf, "outcome": "adopted"}
    )
    assert refused.status_code == 403


def test_the_bulk_form_still_decides_several_and_is_refused_beside_its_fields(world: WebWorld) -> None:
    first, second, third = closed_with_comments(world)
    client = world.client()
    csrf = login(client, "zhaojian")
    none_chosen = client.post(
        f"/rounds/{world.round_id}/decisions", data={"csrf_token": csrf, "outcome": "rejected", "reason": "重复"}
    )
    assert none_chosen.status_code == 422 and 'data-error-for="comment_id">请至少选择一条意见。<' in none_chosen.text
    no_reason = client.post(
        f"/rounds/{world.round_id}/decisions",
        data={"csrf_token": csrf, "comment_id": [str(first), str(third)], "outcome": "rejected", "reason": ""},
    )
    assert no_reason.status_code == 422
    bulk = no_reason.text[no_reason.text.index('id="decide-form"') :]
    assert 'data-error-for="reason">“不予采纳”必须说明理由。<' in bulk
    assert f'value="{first}" form="decide-form" aria-label="选择意见{first}" checked' in no_reason.text
    assert f'value="{second}" form="decide-form" aria-label="选择意见{second}">' in no_reason.text, "only those chosen"
    assert '<option value="rejected" selected>' in bulk
    ok = client.post(
        f"/rounds/{world.round_id}/decisions",
        data={"csrf_token": csrf, "comment_id": [str(first), str(third)], "outcome": "rejected", "reason": "重复"},
    )
    assert ok.status_code == 303 and ok.headers["location"].endswith(f"ok=decided#comment-{second}")
    assert set(_decisions(world)) == {first, third}


def test_deciding_before_the_deadline_says_why_at_the_top_of_the_page(world: WebWorld) -> None:
    with UnitOfWork(world.engine) as uow:
        early_comment = [CommentInput("序号8", "早到的意见")]
        cmd = SubmitReply(round_id=world.round_id, unit_name="测试单位001", comments=early_comment)
        [comment] = submit_reply(uow, world.clock, STAFF, cmd).comment_ids
    client = world.client()
    csrf = login(client, "zhaojian")
    early = client.post(
        f"/rounds/{world.round_id}/decisions/{comment}", data={"csrf_token": csrf, "outcome": "adopted", "reason": ""}
    )
    assert early.status_code == 409 and 'data-testid="form-errors"' in early.text
    assert "只有在征求意见截止后" in early.text and "DECISION_NOT_ALLOWED" in early.text
    assert 'data-testid="row-form-' not in early.text, "no row forms while the round is open"


def test_the_bulk_form_decides_all_or_none_and_only_comments_of_its_own_round(world: WebWorld) -> None:
    first, second, _third = closed_with_comments(world)
    other_round = new_round(world.engine, world.clock, demo_office_id(world.engine), world.clock.now() + DAY, 2)
    with UnitOfWork(world.engine) as uow:
        cmd = SubmitReply(round_id=other_round, unit_name="测试单位001", comments=[CommentInput("序号8", "别轮意见")])
        [foreign] = submit_reply(uow, world.clock, STAFF, cmd).comment_ids
    client = world.client()
    csrf = login(client, "zhaojian")
    before = table_counts(world.engine)
    cases = (
        ([first, foreign], 422, f"意见 {foreign} 不属于本轮"),
        ([first, second, 999_999], 404, "修改意见 999999 不存在"),
    )
    for ids, status, says in cases:
        refused = client.post(
            f"/rounds/{world.round_id}/decisions",
            data={"csrf_token": csrf, "comment_id": [str(x) for x in ids], "outcome": "adopted", "reason": ""},
        )
        assert refused.status_code == status and says in refused.text
        assert _decisions(world) == {}, "a refused bulk decision leaves every comment undecided"
        assert table_counts(world.engine) == before


def test_an_article_draft_names_the_article_that_carries_the_change(world: WebWorld) -> None:
    """On an article draft the row's 落实于 input takes an article ("第五条"), refuses one the draft lacks
    beside the input, and shows it; after a revision it shows where that article is now, and the form
    offers its new number. The API takes ``change_item`` beside the old ``change_task``."""
    draft_id, rid = article_round(world)
    comments = [CommentInput("第五条", "甲意见"), CommentInput("第八条第二款", "乙意见"), CommentInput("", "丙意见")]
    with UnitOfWork(world.engine) as uow:
        cmd = SubmitReply(round_id=rid, unit_name="测试单位001", comments=comments)
        first, second, third = submit_reply(uow, world.clock, STAFF, cmd).comment_ids
    world.clock.set(world.deadline + timedelta(minutes=1))
    sweep(uow_factory(world.engine), world.clock)
    client = world.client()
    csrf = login(client, "zhaojian")
    page = client.get(f"/rounds/{rid}/decisions").text
    assert 'type="text" name="change_task" maxlength="50" placeholder="落实于条款（如第五条，可选）"' in _row(
        page, first
    )
    assert '<label for="change_task">落实于条款（如第五条，可选）</label>' in page, "the bulk form too"

    refused = client.post(
        f"/rounds/{rid}/decisions/{first}",
        data={"csrf_token": csrf, "outcome": "adopted", "reason": "", "change_task": "第九十条"},
    )
    assert refused.status_code == 422
    row = _row(refused.text, first)
    assert 'data-error-for="change_task">文稿中没有第九十条。<' in row and 'value="第九十条"' in row
    assert 'class="error-code">错误代码：CHANGE_ITEM_UNKNOWN' in row
    saved = client.post(
        f"/rounds/{rid}/decisions/{first}",
        data={"csrf_token": csrf, "outcome": "adopted", "reason": "", "change_task": "第五条"},
    )
    assert saved.status_code == 303
    with UnitOfWork(world.engine) as uow:
        stored = uow.replies.decision(first)
    assert stored is not None and (stored.change_item_label, stored.change_task_number) == ("第五条", None)
    row = _row(client.get(f"/rounds/{rid}/decisions").text, first)
    assert f'data-testid="change-{first}">落实于第五条<' in row and 'value="第五条"' in row
    bulk = client.post(
        f"/rounds/{rid}/decisions",
        data={"csrf_token": csrf, "comment_id": [str(second)], "outcome": "adopted", "change_task": "第三章"},
    )
    assert (
        bulk.status_code == 303
        and f'data-testid="change-{second}">落实于第三章<' in client.get(f"/rounds/{rid}/decisions").text
    )

    h = {"X-CSRF-Token": csrf}
    url = f"/api/v1/comments/{third}/decision"
    both = client.post(url, headers=h, json={"outcome": "adopted", "change_task": 1, "change_item": "第五条"})
    assert both.status_code == 422 and both.json()["error"]["code"] == "CHANGE_TARGET_TWICE"
    control = client.post(url, headers=h, json={"outcome": "adopted", "change_item": "第五条\u0007"})
    assert control.status_code == 422 and control.json()["error"]["code"] == "TEXT_CONTROL_CHARACTER"
    too_long = client.post(url, headers=h, json={"outcome": "adopted", "change_item": "第" * 51})
    assert too_long.status_code == 422, "bounded in the schema"
    ok = client.post(url, headers=h, json={"outcome": "adopted", "change_item": "第 六 条"})
    assert ok.status_code == 200 and ok.json() == {
        "comment_id": third,
        "decision": "adopted",
        "reason": "",
        "change_task": None,
        "change_item": "第六条",
    }

    with UnitOfWork(world.engine) as uow:
        revise_draft_file(uow, world.clock, STAFF, draft_id, "v2.txt", GREENING_V2.read_bytes())
    row = _row(client.get(f"/rounds/{rid}/decisions").text, first)
    assert f'data-testid="change-{first}">落实于现第六条（原第五条）<' in row and 'value="第六条"' in row, (
        "where 第五条 is now, and its number now in the form (saving the row names the same article)"
    )
    shown = {c["id"]: c for c in client.get(f"/api/v1/rounds/{rid}").json()["comments"]}
    assert (shown[third]["change_item"], shown[third]["change_display"]) == ("第六条", "现第七条、第八条（原第六条）")
    assert shown[third]["change_anchor"]["split_into"] == ["第七条", "第八条"]
    sheet = load_workbook(io.BytesIO(client.get(f"/rounds/{rid}/comments.xlsx").content)).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][8] == "落实于" and [r[8] for r in rows[1:]] == [
        "现第六条（原第五条）",
        "第三章",
        "现第七条、第八条（原第六条）",
    ], "the export says where each is carried out now"
    again = client.post(
        f"/rounds/{rid}/decisions/{first}",
        data={"csrf_token": csrf, "outcome": "adopted", "reason": "", "change_task": "第六条"},
    )
    assert again.status_code == 303 and f'data-testid="change-{first}">落实于现第六条（原第五条）<' in _row(
        client.get(f"/rounds/{rid}/decisions").text, first
    ), "saved again from the form, it still names the same article"


def test_a_task_draft_asks_for_the_task_number(world: WebWorld) -> None:
    first, *_rest = closed_with_comments(world)
    client = world.client()
    login(client, "zhaojian")
    row = _row(client.get(f"/rounds/{world.round_id}/decisions").text, first)
    assert 'placeholder="落实于任务序号（可选）"' in row
