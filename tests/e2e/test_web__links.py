"""Each unit's reply link: listed by `round links` (CLI) and on a page to copy or scan, drawn as an SVG QR code."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import segno
from openpyxl import load_workbook
from sqlalchemy import Engine

from storage.uow import UnitOfWork
from tests.support.cli import Cli
from tests.support.scenario import STAFF
from tests.support.web import WebWorld, build_world, login
from workflow.services.links import live_token, revoke_link
from workflow.services.replies import CommentInput, SubmitReply, submit_reply


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def test_round_links_lists_every_units_link_and_each_opens_that_units_page(world: WebWorld, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "config.toml", world.clock)
    listed = cli.ok("round", "links", "--round", str(world.round_id))
    assert [x["unit"] for x in listed] == [f"测试单位00{n}" for n in (1, 2, 3, 4)]
    assert all(set(x) == {"unit", "url"} and x["url"].startswith("http://testserver/r/") for x in listed)
    client = world.client()
    for x in listed:
        page = client.get(x["url"].removeprefix("http://testserver"))
        assert page.status_code == 200 and f'data-testid="unit-name">{x["unit"]}<' in page.text
    assert cli.error("round", "links", "--round", "99")["code"] == "ROUND_NOT_FOUND"


def test_the_links_page_offers_copy_and_a_server_drawn_qr_code(world: WebWorld, tmp_path: Path) -> None:
    client = world.client()
    login(client, "zhaojian")
    page = client.get(f"/rounds/{world.round_id}/links")
    assert page.status_code == 200 and "<script>" not in page.text
    urls = re.findall(r'readonly value="(http://testserver/r/[^"]+)"', page.text)
    assert len(urls) == 4 and page.text.count("data-copy=") == 4
    qr_path = re.search(r'src="(/rounds/\d+/links/\d+/qr\.svg)"', page.text).group(1)  # type: ignore[union-attr]
    qr = client.get(qr_path)
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    expected = io.BytesIO()
    segno.make(urls[0], error="m").save(expected, kind="svg", scale=4, border=2, title="测试单位001的回复链接")
    assert qr.content == expected.getvalue(), "the code encodes that unit's link"
    reviewer = world.client()
    login(reviewer, "sfj")
    assert reviewer.get(f"/rounds/{world.round_id}/links").status_code == 403, "links are for staff"


def test_viewing_the_links_never_undoes_a_revocation(world: WebWorld, tmp_path: Path) -> None:
    """A link revoked without a new one (e.g. after the deadline, forwarded to the wrong person) stays dead
    when staff look at the links page, its QR code or `round links`: only revoking with a reissue makes one."""
    client = world.client()
    login(client, "zhaojian")
    before = client.get(f"/rounds/{world.round_id}/links").text
    urls = re.findall(r'readonly value="http://testserver(/r/[^"]+)"', before)
    with UnitOfWork(world.engine) as uow:
        first = uow.rounds.recipients(world.round_id)[0][0].id or 0
        revoke_link(uow, world.clock, STAFF, first, secret=world.settings.secret_key, reissue=False)
    page = client.get(f"/rounds/{world.round_id}/links")
    assert page.status_code == 200 and 'data-testid="revoked"' in page.text
    assert len(re.findall(r'readonly value="http://testserver/r/', page.text)) == 3
    assert client.get(f"/rounds/{world.round_id}/links/{first}/qr.svg").status_code == 404
    cli = Cli(tmp_path / "config.toml", world.clock)
    listed = cli.ok("round", "links", "--round", str(world.round_id))
    assert listed[0] == {"unit": "测试单位001", "url": None} and all(x["url"] for x in listed[1:])
    assert "测试单位001\t（链接已撤销）" in cli("round", "links", "--round", str(world.round_id), json=False).stdout
    with UnitOfWork(world.engine) as uow:
        assert live_token(uow, world.settings.secret_key, first) is None, "still revoked after every view"
    assert world.client().get(urls[0]).status_code == 404, "the old link stays dead"


def test_all_comments_with_their_decisions_export_to_excel_as_text(world: WebWorld) -> None:
    with UnitOfWork(world.engine) as uow:
        cmd = SubmitReply(
            round_id=world.round_id,
            unit_name="测试单位001",
            comments=[CommentInput("序号8", "=HYPERLINK(1)"), CommentInput("", "普通意见")],
        )
        submit_reply(uow, world.clock, STAFF, cmd)
    client = world.client()
    login(client, "zhaojian")
    response = client.get(f"/rounds/{world.round_id}/comments.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["序号", "单位", "条目", "修改意见"]
    assert rows[1][1:4] == ["测试单位001", "序号8", "'=HYPERLINK(1)"], "a formula stays text"
    assert rows[2][2:4] == ["未指明条目", "普通意见"] and rows[2][6] == "待决定"
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str))
