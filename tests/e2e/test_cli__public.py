"""Issue 16 through the CLI, in the JSON shapes the issue gives: ``public open``, ``round start --public``,
``public comment`` (a letter), ``public comments`` / ``groups`` / ``moderate`` / ``decide``, ``public export``
and ``public purge`` (contacts erased past retention, audited, never named)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from kernel.clock import FixedClock
from storage.db import make_engine
from storage.uow import UnitOfWork
from tests.support.cli import Cli, write_config

DRAFT = Path(__file__).resolve().parents[2] / "workflow/demo/data/draft_2023_safety.txt"


@pytest.fixture
def cli(tmp_path: Path, db_url: str, clock: FixedClock) -> Cli:
    config = write_config(tmp_path / "config.toml", db_url, "\n[public]\ncontact_retention_days = 30\n")
    c = Cli(config, clock)
    assert c("init").exit_code == 0
    (tmp_path / "units.csv").write_text(
        "名称,类别,别名,联系人,电话,邮箱,webhook\n市消防救援大队,市安委会成员单位,,王队,0358-1,xf@x.example.cn,\n",
        encoding="utf-8",
    )
    c.ok("units", "import", str(tmp_path / "units.csv"))
    return c


def _draft(cli: Cli, title: str, doc_type: str = "normative") -> int:
    stored = cli.ok("draft", "import", str(DRAFT), "--title", title, "--issuer", "某市人民政府", "--type", doc_type)
    return int(stored["draft_id"])


def test_public_consultation_through_the_cli(cli: Cli, clock: FixedClock, db_url: str, tmp_path: Path) -> None:
    draft = _draft(cli, "某市城市绿化管理办法")
    soon = (clock.now() + timedelta(days=2)).date().isoformat()
    too_short = cli.error("public", "open", "--draft", str(draft), "--until", soon)
    assert too_short["code"] == "PERIOD_TOO_SHORT", "a 规范性文件 is put to the public for at least 7 working days"
    until = (clock.now() + timedelta(days=20)).date().isoformat()
    opened = cli.ok("public", "open", "--draft", str(draft), "--until", until, "--explanation", "起草说明：……")
    rid = opened["round_id"]
    assert opened["consultation_id"] and opened["url"].endswith(f"/public/{opened['consultation_id']}")

    letter = cli.ok(
        "public",
        "comment",
        "--round",
        str(rid),
        "--kind",
        "citizen",
        "--target",
        "序号8",
        "--text",
        "建议增加邮递行业安全监管",
        "--name",
        "李四",
        "--contact",
        "来信地址：某路1号",
    )
    assert letter["receipt"].startswith("GK-")
    cli.ok("public", "comment", "--round", str(rid), "--kind", "enterprise", "--text", "建议增加过渡期")
    bad = cli.error("public", "comment", "--round", str(rid), "--kind", "robot", "--text", "x")
    assert bad["code"] == "PUBLIC_KIND_INVALID"

    comments = cli.ok("public", "comments", "--round", str(rid))
    shape = {"id", "receipt", "kind", "target", "anchor", "text", "status", "group_id"}
    assert [set(c) for c in comments] == [shape] * 2
    first = comments[0]
    assert first["anchor"] == {"key": "序号8", "label": first["anchor"]["label"], "version": 1}
    assert first["target"] == "序号8" and first["status"] == "pending" and first["group_id"]
    assert comments[1]["anchor"] is None, "a comment on the whole draft points at no item"
    groups = cli.ok("public", "groups", "--round", str(rid))
    assert sorted(g["size"] for g in groups) == [1, 1] and {frozenset(g) for g in groups} == {
        frozenset({"group_id", "size", "sample", "decision"})
    }

    refused = cli.error("public", "moderate", "--comment", str(first["id"]), "--hide", "--reason", "我不喜欢")
    assert refused["code"] == "PUBLIC_HIDE_REASON_INVALID"
    off_topic = "与征求意见内容无关"
    hidden = cli.ok("public", "moderate", "--comment", str(comments[1]["id"]), "--hide", "--reason", off_topic)
    assert hidden == {"comment_id": comments[1]["id"], "status": "hidden", "reason": "与征求意见内容无关"}
    assert cli.ok("public", "moderate", "--comment", str(first["id"]), "--publish")["status"] == "published"
    assert len(cli.ok("public", "groups", "--round", str(rid))) == 1, "a group of hidden comments needs no decision"

    clock.advance(timedelta(days=21))
    cli.ok("sweep")
    group = str(first["group_id"])
    decided = cli.ok("public", "decide", "--group", group, "--partly", "--reason", "部分采纳，已补充。")
    assert decided["decision"] == "partly_adopted"
    public = cli.ok("status", "--round", str(rid))["public"]
    assert public["comments"] == 2 and public["groups"] == 1 and public["undecided"] == 0
    assert public["decided"] == {"部分采纳": 1} and public["comments_by_state"] == {"已公开": 1, "不予公开": 1}
    human = cli("status", "--round", str(rid), json=False).stdout
    assert "社会公众意见：2条，归并为1组；已决定：部分采纳1组；待决定0组" in human
    assert cli.ok("submit-review", "--round", str(rid))

    out = tmp_path / "public.csv"
    cli.ok("public", "export", "--round", str(rid), "--output", str(out))
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0][0] == "编号" and len(rows) == 3
    assert "李四" not in out.read_bytes().decode("utf-8-sig") and "部分采纳" in rows[1][-1]

    archive = tmp_path / "archive.zip"
    cli.ok("archive", "--round", str(rid), "--output", str(archive), "--no-pdf")
    with zipfile.ZipFile(archive) as packed:
        kept = packed.read("public/comments.csv").decode("utf-8-sig")
    assert "建议增加邮递行业安全监管" in kept and "李四" not in kept, "the archive keeps the comments, not the contacts"
    assert cli.ok("public", "purge") == {"purged": 0, "rounds": []}, "kept for 30 days after the deadline"
    clock.advance(timedelta(days=31))
    assert cli.ok("public", "purge") == {"purged": 1, "rounds": [rid]}
    engine = make_engine(db_url)
    with UnitOfWork(engine) as uow:
        contact = uow.public.contact(first["id"])
        events = [e for e in uow.audit.events() if e.action == "public.contacts_purged"]
    engine.dispose()
    assert contact is not None and contact.name == "" and contact.contact == "" and contact.purged_at is not None
    assert len(events) == 1 and "李四" not in events[0].payload
    assert cli.ok("public", "purge")["purged"] == 0, "a second purge finds nothing"


def test_round_start_public_asks_units_and_the_public_at_once(cli: Cli, clock: FixedClock) -> None:
    draft = _draft(cli, "某市安全生产工作要点", doc_type="general")
    started = cli.ok(
        "round",
        "start",
        "--draft",
        str(draft),
        "--doc-number",
        "某办函〔2026〕3号",
        "--deadline",
        (clock.now() + timedelta(days=5)).isoformat(),
        "--all-units",
        "--contact",
        "赵健",
        "--phone",
        "1",
        "--public",
        "--contact-info",
        "电子邮箱：yj@example.cn",
    )
    assert started["recipients"] == ["市消防救援大队"] and started["consultation_id"]
    listed = cli.ok("round", "list")
    assert listed[0]["round_id"] == started["round_id"]
    assert cli.ok("public", "comments", "--round", str(started["round_id"])) == []


def test_public_comments_on_an_article_draft_anchor_to_articles(cli: Cli, clock: FixedClock) -> None:
    """A 规范性文件 put to the public: "第五条" and "第五条第二款" resolve to the draft's articles, the public
    page reads article by article, and a target the draft does not have is kept as written without anchor."""
    from tests.fixtures.drafts import GREENING_V1

    stored = cli.ok(
        "draft",
        "import",
        str(GREENING_V1),
        "--title",
        "某市城市绿化管理办法",
        "--issuer",
        "某市人民政府",
        "--type",
        "normative",
    )
    until = (clock.now() + timedelta(days=20)).date().isoformat()
    rid = cli.ok("public", "open", "--draft", str(stored["draft_id"]), "--until", until)["round_id"]
    cli.ok("public", "comment", "--round", str(rid), "--kind", "citizen", "--target", "第五条", "--text", "建议删去")
    cli.ok(
        "public", "comment", "--round", str(rid), "--kind", "association", "--target", "第三条第二款", "--text", "甲"
    )
    cli.ok("public", "comment", "--round", str(rid), "--kind", "citizen", "--target", "关于养护", "--text", "乙")
    anchors = {c["target"]: c["anchor"] for c in cli.ok("public", "comments", "--round", str(rid))}
    assert anchors["第五条"]["key"] == "第五条" and anchors["第五条"]["version"] == 1
    assert anchors["第三条第二款"]["key"] == "第三条第二款"
    assert anchors["关于养护"] is None
