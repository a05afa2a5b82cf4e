"""The process the law asks for, per shipped document type, through the real CLI: a public
consultation shorter than the type's minimum is refused without a reason and accepted with one (the
reason in the letter and the review package); the review's due date counts working days across
National Day 2026; issue is refused without the required collective deliberation; publication and
filing with the filing reminder sent once; and the archive built, verified, tampered and named."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from documents.pdf import soffice
from kernel.clock import FixedClock
from storage.db import make_engine
from storage.uow import uow_factory
from tests.support.cli import Cli, write_config
from workflow.scheduler import DeadlineScheduler, SchedulerSettings
from workflow.services.process_reminders import ReminderSettings, queue_process_reminders

DRAFT = Path(__file__).resolve().parents[2] / "workflow/demo/data/draft_2023_safety.txt"
UNITS_CSV = """名称,类别,别名,联系人,电话,邮箱,webhook
市消防救援大队,市安委会成员单位,消防救援大队,王队,0358-7600001,xfjy@xiaoyi.example.cn,
市城管局,市安委会成员单位,城管局,赵科,0358-7600004,cgj@xiaoyi.example.cn,
市司法局,市直部门,司法局,周股长,0358-7600100,sfj@xiaoyi.example.cn,
"""
# Tuesday 2026-09-29, 10:00 Beijing: National Day (10月1日—7日) and the swapped Saturday 10月10日 lie ahead.
START = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)
TYPES = ["general", "normative", "major-decision", "internal-plan"]


@pytest.fixture
def cli(tmp_path: Path, db_url: str) -> Cli:
    c = Cli(write_config(tmp_path / "config.toml", db_url), FixedClock(START))
    assert c("init").exit_code == 0
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    c.ok("units", "import", str(tmp_path / "units.csv"))
    return c


def _clock(cli: Cli) -> FixedClock:
    assert isinstance(cli.clock, FixedClock)
    return cli.clock


def _draft(cli: Cli, doc_type: str) -> str:
    made = cli.ok(
        "draft",
        "import",
        str(DRAFT),
        "--title",
        "孝义市安全生产管理办法",
        "--issuer",
        "孝义市人民政府",
        "--type",
        doc_type,
    )
    return str(made["draft_id"])


def _start(cli: Cli, draft: str, days: int, *extra: str) -> dict[str, object]:
    deadline = (_clock(cli).now() + timedelta(days=days)).isoformat()
    return cli(
        "round",
        "start",
        "--draft",
        draft,
        "--doc-number",
        f"孝安办函〔2026〕{draft}号",
        "--deadline",
        deadline,
        "--unit",
        "消防救援大队",
        "--unit",
        "城管局",
        "--contact",
        "赵健",
        "--phone",
        "18335877837",
        "--scope",
        "public",
        *extra,
    ).json


def _to_review(cli: Cli, doc_type: str, *, reason: str = "上级督办，须于节前印发") -> str:
    """A round of ``doc_type`` started 2 days before its deadline (with a reason), closed with one
    comment rejected and one no-comment reply, and (where the type has a legality review) submitted."""
    draft = _draft(cli, doc_type)
    cli.ok("draft", "basis", "--draft", draft, "--text", "《中华人民共和国安全生产法》\n《山西省安全生产条例》")
    started = _start(cli, draft, 2, "--shorten-reason", reason)
    rid = str(started["round_id"])
    comments = Path(cli.config.parent / "c.json")
    comments.write_text(
        json.dumps([{"target": "序号4", "text": "建议删除第4项。"}], ensure_ascii=False), encoding="utf-8"
    )
    cli.ok("reply", "--round", rid, "--unit", "消防救援大队", "--comments", str(comments))
    cli.ok("reply", "--round", rid, "--unit", "城管局", "--no-comments")
    _clock(cli).advance(timedelta(days=3))
    cli.ok("sweep")
    comment = cli.ok("status", "--round", rid)["comments"][0]["id"]
    cli.ok("decide", "--comment", str(comment), "--reject", "--reason", "该项为上级部署的重点任务，不宜删除。")
    return rid


@pytest.mark.parametrize("doc_type", TYPES)
def test_a_short_public_consultation_needs_a_reason_where_the_type_sets_a_minimum(cli: Cli, doc_type: str) -> None:
    draft = _draft(cli, doc_type)
    refused = _start(cli, draft, 2)
    minimum = {"normative": ("7个工作日", "国办发〔2018〕37号"), "major-decision": ("30日", "第713号）第十五条")}
    # Stated as the type counts: 9月30日 is the one working day before the deadline on 10月1日 (National Day).
    stated = {"normative": "1个工作日", "major-decision": "2日"}
    if doc_type in minimum:
        period, source = minimum[doc_type]
        assert refused["error"]["code"] == "PERIOD_TOO_SHORT"
        assert period in refused["error"]["message"] and source in refused["error"]["message"]
        started = _start(cli, draft, 2, "--shorten-reason", "上级督办，须于节前印发")
        rid = str(started["round_id"])
        letter = cli("report", "--round", rid, "--kind", "letter", "--format", "md", json=False).stdout
        assert f"因上级督办，须于节前印发，征求意见期限为{stated[doc_type]}。" in letter
        events = cli.ok("audit", "export", "--round", rid, "--format", "json")["events"]
        assert any(
            e["action"] == "rule.departed" and e["payload"]["reason"] == "上级督办，须于节前印发" for e in events
        )
    else:  # 一般性文件 and 内部工作方案 set no minimum: ordinary work is not blocked
        assert "round_id" in refused, refused


@pytest.mark.parametrize("doc_type", ["normative", "major-decision"])
def test_the_reason_and_the_departures_are_in_the_review_package(cli: Cli, doc_type: str) -> None:
    rid = _to_review(cli, doc_type)
    submitted = cli.ok("submit-review", "--round", rid)
    assert submitted["missing_materials"] == []
    package = cli("report", "--round", rid, "--kind", "review-package", "--format", "md", json=False).stdout
    assert "偏离规定情形" in package and "上级督办，须于节前印发" in package
    assert "《中华人民共和国安全生产法》" in package and "送审材料清单" in package
    explanation = cli("report", "--round", rid, "--kind", "explanation", "--format", "md", json=False).stdout
    assert "重大分歧意见" in explanation and "该项为上级部署的重点任务，不宜删除。" in explanation


# Submitted Friday 2026-10-02? No: Thursday 2026-10-01 is a holiday; the rounds below are submitted on
# Sunday 2026-10-04 (Beijing), in the middle of National Day. Counting starts the next day:
# 10月5日—7日 holiday, 8日(1) 9日(2) 10日 Saturday swapped workday(3) 12日(4) 13日(5) 14日(6) 15日(7)
# 16日(8) 19日(9) … 22日(12) 23日(13) 26日(14) 27日(15).
DUE = {
    "general": ("2026-10-13T17:00:00+08:00", None),  # 5 working days (office practice)
    "normative": ("2026-10-27T17:00:00+08:00", "2026-10-13T17:00:00+08:00"),  # 15 / 5 (国办发〔2018〕115号)
    "major-decision": ("2026-10-27T17:00:00+08:00", "2026-10-15T17:00:00+08:00"),  # due 15 / minimum 7 (Art. 26)
}


@pytest.mark.parametrize("doc_type", list(DUE))
def test_review_due_dates_count_working_days_across_national_day(cli: Cli, doc_type: str) -> None:
    rid = _to_review(cli, doc_type)  # the clock is now 2026-10-02 10:00 Beijing
    _clock(cli).advance(timedelta(days=2))
    submitted = cli.ok("submit-review", "--round", rid)
    due, minimum = DUE[doc_type]
    assert (submitted["due_at"], submitted["min_at"]) == (due, minimum)
    # Approving before the minimum period is allowed, and recorded as a departure for the record.
    cli.ok(
        "review",
        "--round",
        rid,
        "--approve",
        "--reviewer",
        "市司法局",
        "--check",
        "authority=lawful",
        "--check",
        "procedure=lawful",
        "--check",
        "content=lawful",
    )
    package = cli("report", "--round", rid, "--kind", "review-package", "--format", "md", json=False).stdout
    assert ("早于最短审查期限" in package) == (minimum is not None)
    assert "审查要点及结论" in package


def test_a_return_lists_what_to_change_from_the_checklist(cli: Cli) -> None:
    rid = _to_review(cli, "normative")
    cli.ok("submit-review", "--round", rid)
    assert (
        cli.error("review", "--round", rid, "--approve", "--reviewer", "市司法局", "--check", "authority=lawful")[
            "code"
        ]
        == "CHECKLIST_INCOMPLETE"
    )
    returned = cli.ok(
        "review",
        "--round",
        rid,
        "--return",
        "--reviewer",
        "市司法局",
        "--check",
        "authority=lawful",
        "--check",
        "procedure=lawful",
        "--check",
        "content=amend:第十二条罚款数额超出上位法规定",
    )
    assert returned["changes"] == ["内容是否符合法律、法规、规章和国家政策规定：第十二条罚款数额超出上位法规定"]


@pytest.mark.parametrize("doc_type", TYPES)
def test_issue_waits_for_the_deliberation_the_type_requires(cli: Cli, doc_type: str) -> None:
    rid = _to_review(cli, doc_type)
    if doc_type != "internal-plan":
        cli.ok("submit-review", "--round", rid)
        cli.ok("review", "--round", rid, "--approve", "--reviewer", "市司法局", "--opinion", "同意。")
    number = "孝政发〔2026〕9号"
    if doc_type in ("normative", "major-decision"):
        refused = cli.error("issue", "--round", rid, "--doc-number", number)
        assert refused["code"] == "DELIBERATION_REQUIRED" and "集体讨论" in refused["message"]
        minutes = cli.config.parent / "纪要.pdf"
        minutes.write_bytes(b"%PDF-1.4 minutes of the 12th executive meeting")
        cli.ok(
            "deliberate",
            "--round",
            rid,
            "--meeting",
            "市政府第12次常务会议",
            "--date",
            "2026-10-09",
            "--minutes",
            str(minutes),
            "--outcome",
            "approved",
        )
    assert cli.ok("issue", "--round", rid, "--doc-number", number)["state"] == "issued"


def _outbox(db_url: str, kind: str, status: str | None = None) -> int:
    engine = make_engine(db_url)
    sql = "SELECT count(*) FROM outboxmessage WHERE kind = :k" + (" AND status = :s" if status else "")
    with engine.connect() as conn:
        n = conn.execute(text(sql), {"k": kind, "s": status}).scalar_one()
    engine.dispose()
    return int(n)


def _relayed(cli: Cli, clock: FixedClock, db_url: str, kind: str) -> int:
    """Run the real relay (console channel) at ``clock``'s time; how many ``kind`` messages were sent."""
    _clock(cli).set(clock.now())
    assert cli.ok("notify", "once")["failed"] == 0
    return _outbox(db_url, kind, "sent")


@pytest.mark.parametrize("doc_type", ["general", "normative", "major-decision"])
def test_the_filing_reminder_goes_out_once_before_the_deadline(cli: Cli, db_url: str, doc_type: str) -> None:
    rid = _to_review(cli, doc_type)
    cli.ok("submit-review", "--round", rid)
    cli.ok("review", "--round", rid, "--approve", "--reviewer", "市司法局", "--opinion", "同意。")
    cli.ok("deliberate", "--round", rid, "--meeting", "市政府第12次常务会议", "--date", "2026-10-09")
    assert (
        cli.error("publish", "--round", rid, "--date", "2026-10-12", "--where", "市政府门户网站")["code"]
        == "NOT_ISSUED"
    )
    cli.ok("issue", "--round", rid, "--doc-number", "孝政发〔2026〕9号")
    published = cli.ok("publish", "--round", rid, "--date", "2026-10-12", "--where", "市政府门户网站")
    assert published["filing_due"] == ("2026-11-11" if doc_type == "normative" else None)
    uows = uow_factory(make_engine(db_url))
    settings = ReminderSettings(filing_days_before=5)
    clock = FixedClock(datetime(2026, 11, 5, 2, 0, tzinfo=UTC))  # 6 days before: not yet
    assert queue_process_reminders(uows, clock, settings) == 0
    clock.set(datetime(2026, 11, 6, 2, 0, tzinfo=UTC))  # 5 days before: the scheduler's own run queues it
    expected = 1 if doc_type == "normative" else 0
    scheduler = DeadlineScheduler(uows, clock, SchedulerSettings(process_reminders=settings))
    scheduler.run_once()
    assert _outbox(db_url, "filing_reminder") == expected
    clock.advance(timedelta(days=1))
    scheduler.run_once()
    assert queue_process_reminders(uows, clock, settings) == 0  # once
    assert _outbox(db_url, "filing_reminder") == expected
    assert _relayed(cli, clock, db_url, "filing_reminder") == expected  # the template renders
    if doc_type == "normative":
        cli.ok("file", "--round", rid, "--to", "孝义市人民政府", "--date", "2026-11-09")
        assert (
            cli.error("file", "--round", rid, "--to", "孝义市人民政府", "--date", "2026-11-09")["code"]
            == "ALREADY_FILED"
        )


def test_the_review_reminder_goes_to_the_reviewer_once_before_the_due_date(cli: Cli, db_url: str) -> None:
    rid = _to_review(cli, "normative")
    due = cli.ok("submit-review", "--round", rid)["due_at"]
    uows = uow_factory(make_engine(db_url))
    at = datetime.fromisoformat(due).astimezone(UTC)
    clock = FixedClock(at - timedelta(hours=30))
    assert queue_process_reminders(uows, clock) == 0
    clock.set(at - timedelta(hours=20))
    assert queue_process_reminders(uows, clock) == 1
    assert queue_process_reminders(uows, clock) == 0
    assert _outbox(db_url, "review_due_reminder") == 1
    assert _relayed(cli, clock, db_url, "review_due_reminder") == 1


def _rewrite(archive: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(archive) as src:
        items = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(archive, "w") as dst:
        for filename, content in items:
            dst.writestr(filename, data if filename == name else content)


def test_the_archive_is_verified_and_names_an_altered_file(cli: Cli, tmp_path: Path) -> None:
    rid = _to_review(cli, "normative")
    cli.ok("submit-review", "--round", rid)
    opinion = tmp_path / "审查意见书.pdf"
    opinion.write_bytes(b"%PDF-1.4 opinion")
    cli.ok(
        "review",
        "--round",
        rid,
        "--approve",
        "--reviewer",
        "市司法局",
        "--opinion",
        "同意。",
        "--opinion-file",
        str(opinion),
    )
    cli.ok("deliberate", "--round", rid, "--meeting", "市政府第12次常务会议", "--date", "2026-10-09")
    cli.ok("issue", "--round", rid, "--doc-number", "孝政发〔2026〕9号")
    cli.ok("publish", "--round", rid, "--date", "2026-10-12", "--where", "市政府门户网站")
    cli.ok("file", "--round", rid, "--to", "孝义市人民政府", "--date", "2026-10-20")
    archive = tmp_path / "archive.zip"
    built = cli.ok("archive", "--round", rid, "--output", str(archive), "--no-pdf")
    assert built["retention"] == "永久" and built["audit_head"]["seq"] > 0
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
    assert {
        "documents/01-征求意见函.docx",
        "documents/04-起草说明.docx",
        "audit/events.json",
        "decisions.json",
        "review/opinions/1-审查意见书.pdf",
        "publication.json",
        "filing.json",
    } <= names
    assert manifest["doc_type"] == "normative" and len(manifest["files"]) == len(names) - 1
    assert cli.ok("archive", "verify", str(archive))["ok"] is True

    _rewrite(archive, "decisions.json", b'[{"outcome": "adopted"}]')
    bad = cli("archive", "verify", str(archive))
    assert bad.exit_code == 3
    assert bad.json["altered"] == ["decisions.json"] and "decisions.json" in bad.json["error"]["message"]
    human = cli("archive", "verify", str(archive), json=False)
    assert human.exit_code == 3 and "decisions.json" in human.stderr


def test_an_edited_audit_event_in_the_archive_is_found_even_with_the_manifest_rehashed(
    cli: Cli, tmp_path: Path
) -> None:
    rid = _to_review(cli, "general")
    archive = tmp_path / "a.zip"
    cli.ok("archive", "--round", rid, "--output", str(archive), "--no-pdf")
    with zipfile.ZipFile(archive) as z:
        events = json.loads(z.read("audit/events.json"))
        manifest = json.loads(z.read("manifest.json"))
    events[2]["actor"] = "别人"
    forged = json.dumps(events, ensure_ascii=False).encode()
    import hashlib

    for f in manifest["files"]:
        if f["path"] == "audit/events.json":
            f["sha256"] = hashlib.sha256(forged).hexdigest()
    _rewrite(archive, "audit/events.json", forged)
    _rewrite(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
    bad = cli("archive", "verify", str(archive))
    assert bad.exit_code == 3 and bad.json["audit_ok"] is False and "记录被修改" in bad.json["audit_problem"]


def test_rounds_past_retention_are_listed_not_deleted(cli: Cli) -> None:
    rid = _to_review(cli, "internal-plan")  # 保管期限10年: kept to the end of 2036
    assert cli.ok("archive", "due", "--as-of", "2036-12-31") == []
    due = cli.ok("archive", "due", "--as-of", "2037-01-01")
    assert [(str(x["round_id"]), x["retention"]) for x in due] == [(rid, "10年")]
    status = cli.ok("status", "--round", rid)["round"]
    assert status["round_id"] == int(rid) and status["doc_type"] == "internal-plan"


def test_the_type_is_changeable_only_until_a_round_starts(cli: Cli) -> None:
    draft = _draft(cli, "general")
    assert cli.ok("draft", "type", "--draft", draft, "--type", "normative")["doc_type"] == "normative"
    assert cli.error("draft", "type", "--draft", draft, "--type", "nonsense")["code"] == "DOC_TYPE_UNKNOWN"
    _start(cli, draft, 20)
    assert cli.error("draft", "type", "--draft", draft, "--type", "general")["code"] == "DOC_TYPE_LOCKED"


def test_doc_types_list_shows_the_rules_and_their_sources(cli: Cli) -> None:
    types = {t["key"]: t for t in cli.ok("doc-types", "list")}
    assert list(types) == TYPES
    assert types["major-decision"]["min_consultation_days"] == 30
    assert "第十五条" in types["major-decision"]["consultation_source"]
    assert types["normative"]["filing_days"] == 30 and types["normative"]["max_review_workdays"] == 15
    assert types["general"]["min_consultation_days"] == 0
    human = cli("doc-types", "list", json=False).stdout
    assert "重大行政决策" in human and "国办发〔2018〕115号" in human


def test_an_office_overrides_a_rule_in_config_toml(tmp_path: Path, db_url: str) -> None:
    extra = '\n[doc_types.normative]\nmin_review_workdays = 7\nreview_source = "本市规范性文件管理办法第十条"\n'
    extra += '\n[doc_types.policy-interpretation]\nlabel = "政策解读"\nretention = "10年"\n'
    c = Cli(write_config(tmp_path / "config.toml", db_url, extra), FixedClock(START))
    types = {t["key"]: t for t in c.ok("doc-types", "list")}
    assert types["normative"]["min_review_workdays"] == 7
    assert types["normative"]["review_source"] == "本市规范性文件管理办法第十条"
    assert types["normative"]["filing_days"] == 30  # not overridden: the shipped value stays
    assert types["policy-interpretation"]["label"] == "政策解读"
    broken = Cli(
        write_config(tmp_path / "bad.toml", db_url, '\n[doc_types.general]\nretention = "5年"\n'), FixedClock(START)
    )
    assert broken.error("doc-types", "list")["code"] == "DOC_TYPES_CONFIG_INVALID"


@pytest.mark.slow
def test_the_archive_carries_pdfs_made_by_libreoffice(cli: Cli, tmp_path: Path) -> None:
    if not soffice():
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip(reason="libreoffice not installed")
    rid = _to_review(cli, "general")
    archive = tmp_path / "pdf.zip"
    assert cli.ok("archive", "--round", rid, "--output", str(archive))["pdf"] is True
    with zipfile.ZipFile(archive) as z:
        pdfs = {n: z.read(n) for n in z.namelist() if n.startswith("documents/pdf/")}
    assert "documents/pdf/01-征求意见函.pdf" in pdfs and len(pdfs) == 9, "six documents and the letter's 3 attachments"
    assert "documents/pdf/01-征求意见函附件/附件1-孝义市安全生产管理办法（代拟稿）.pdf" in pdfs
    assert all(data.startswith(b"%PDF") for data in pdfs.values())
    assert cli.ok("archive", "verify", str(archive))["ok"] is True
