"""Each unit's reply link: listed by `round links` (CLI) and on a page to copy or scan, drawn as an SVG QR code."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import segno
from sqlalchemy import Engine

from tests.support.cli import Cli
from tests.support.web import WebWorld, build_world, login


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
