"""doc-types list, deliberate, publish, file, archive (build / verify / due): the steps the law asks for."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from entrypoints.cli.cmd_units import read_file
from entrypoints.cli.runtime import domain_errors, rt
from kernel.timefmt import cn_date, read_date, to_beijing

if TYPE_CHECKING:
    from workflow.doc_types import DocType


doc_types_app = typer.Typer(help="文件类型及其程序规则", no_args_is_help=True)
archive_app = typer.Typer(help="归档包：生成、校验、到期清单", invoke_without_command=True)


def _describe(t: DocType) -> str:
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.doc_types import DAY_UNITS

    lines = [f"{t.key}  {t.label}"]
    if t.min_consultation_days:
        lines.append(
            f"  公开征求意见期限不少于{t.min_consultation_days}{DAY_UNITS[t.consultation_day_unit]}"
            f"（{t.consultation_source}）"
        )
    else:
        lines.append("  征求意见期限：无最短期限要求")
    if t.review_required:
        lines.append(
            f"  合法性审查：不少于{t.min_review_workdays}个工作日，"
            f"{t.max_review_workdays}个工作日内完成（{t.review_source}）"
        )
    else:
        lines.append("  合法性审查：不作要求")
    lines.append("  审查要点：" + "；".join(p.label for p in t.checklist))
    if t.deliberation_required:
        lines.append(f"  集体讨论决定：必须（{t.deliberation_source}）")
    if t.publication_required:
        lines.append(f"  公开发布：必须（{t.publication_source}）")
    if t.filing_required:
        lines.append(f"  备案：公开发布之日起{t.filing_days}日内（{t.filing_source}）")
    lines.append(f"  保管期限：{t.retention}（{t.retention_source}）")
    return "\n".join(lines)


@doc_types_app.command("list")
def doc_types_list() -> None:
    """列出本机关的文件类型及其期限、审查、集体讨论、发布、备案和保管期限规则。"""
    r = rt()
    with domain_errors():
        types = r.rules.all()
    r.emit([t.to_dict() for t in types], lambda: "\n\n".join(_describe(t) for t in types))


def deliberate(
    round_id: int = typer.Option(..., "--round"),
    meeting: str = typer.Option(..., "--meeting", help="会议名称，如 市政府第X次常务会议"),
    on: str = typer.Option(..., "--date", help="会议日期"),
    minutes: Path | None = typer.Option(None, "--minutes", help="会议纪要文件"),
    outcome: str = typer.Option("approved", "--outcome", help="approved|approved_with_changes|deferred|rejected"),
) -> None:
    """登记集体讨论决定（须在印发前）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.deliberation import OUTCOMES, Deliberate, record_deliberation

    r = rt()
    with domain_errors():
        data = read_file(minutes) if minutes is not None else None
        cmd = Deliberate(round_id, meeting, read_date(on, "会议日期"), outcome, minutes.name if minutes else "", data)
        with r.uow() as uow:
            row = record_deliberation(uow, r.clock, r.actor, cmd)
    r.emit(
        {
            "round_id": round_id,
            "deliberation_id": row.id,
            "meeting": row.meeting,
            "held_on": row.held_on.isoformat(),
            "outcome": row.outcome,
            "minutes_sha256": row.minutes_sha256 or None,
        },
        f"已登记集体讨论：{row.meeting}（{cn_date(row.held_on)}），{OUTCOMES[row.outcome]}。",
    )


def publish(
    round_id: int = typer.Option(..., "--round"),
    on: str = typer.Option(..., "--date", help="发布日期"),
    where: str = typer.Option(..., "--where", help="发布载体，如 市政府门户网站"),
) -> None:
    """登记公开发布（印发后）；须备案的文件同时算出备案期限。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.publication import publish as publish_service

    r = rt()
    with domain_errors():
        day = read_date(on, "发布日期")
        with r.uow() as uow:
            row = publish_service(uow, r.clock, r.actor, round_id, day, where, rules=r.rules)
    due = f"，应于{cn_date(row.filing_due)}前报送备案" if row.filing_due else ""
    r.emit(
        {
            "round_id": round_id,
            "published_on": row.published_on.isoformat(),
            "where": row.place,
            "filing_due": row.filing_due.isoformat() if row.filing_due else None,
        },
        f"已登记公开发布：{cn_date(row.published_on)}，{row.place}{due}。",
    )


def file_(
    round_id: int = typer.Option(..., "--round"),
    to: str = typer.Option(..., "--to", help="备案机关"),
    on: str = typer.Option(..., "--date", help="报送备案日期"),
) -> None:
    """登记备案（公开发布后）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.publication import file_record

    r = rt()
    with domain_errors():
        day = read_date(on, "备案日期")
        with r.uow() as uow:
            row = file_record(uow, r.clock, r.actor, round_id, to, day)
    r.emit(
        {"round_id": round_id, "filed_to": row.filed_to, "filed_on": row.filed_on.isoformat()},
        f"已登记备案：{cn_date(row.filed_on)}报送{row.filed_to}。",
    )


@archive_app.callback()
def archive(
    ctx: typer.Context,
    round_id: int | None = typer.Option(None, "--round"),
    output: Path | None = typer.Option(None, "--output", help="归档包 .zip"),
    no_pdf: bool = typer.Option(False, "--no-pdf", help="不转换 PDF（未安装 LibreOffice 时自动跳过）"),
) -> None:
    """生成一轮的归档包：consultflow archive --round ID --output FILE.zip。"""
    if ctx.invoked_subcommand is not None:
        return
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from kernel.errors import InvalidInput
    from workflow.services.archive import build_archive

    r = rt()
    with domain_errors():
        if round_id is None or output is None:
            raise InvalidInput("ARCHIVE_ARGS_REQUIRED", "请用 --round 指定轮次、--output 指定归档包路径。")
        with r.uow() as uow:
            built = build_archive(uow, r.clock, r.actor, round_id, rules=r.rules, pdf=not no_pdf)
        output.write_bytes(built.data)
    m = built.manifest
    r.emit(
        {
            "output": str(output),
            "files": len(m["files"]),
            "retention": m["retention"],
            "retention_until": m["retention_until"],
            "audit_head": m["audit_head"],
            "pdf": m["pdf"],
        },
        f"已生成归档包 {output}：{len(m['files'])} 个文件，保管期限{m['retention']}。",
    )


@archive_app.command("verify")
def archive_verify(file: Path = typer.Argument(..., help="归档包 .zip")) -> None:
    """校验归档包：每个文件的 SHA-256 与清单一致、审计记录摘要完整则返回 0，否则指出被改动的文件。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from kernel.errors import DomainError
    from workflow.services.archive import verify_archive

    r = rt()
    with domain_errors():
        verdict = verify_archive(read_file(file))
    data = {
        "ok": verdict.ok,
        "checked": verdict.checked,
        "altered": verdict.altered,
        "missing": verdict.missing,
        "unlisted": verdict.unlisted,
        "audit_ok": verdict.audit_ok,
        "audit_problem": verdict.audit_problem,
    }
    if verdict.ok:
        r.emit(data, verdict.message())
        return
    if r.as_json:
        r.emit({**data, "error": {"code": "ARCHIVE_ALTERED", "message": verdict.message()}}, "")
        raise typer.Exit(3)
    r.fail(DomainError("ARCHIVE_ALTERED", verdict.message()), exit_code=3)


@archive_app.command("due")
def archive_due(as_of: str | None = typer.Option(None, "--as-of", help="以该日期计（默认今天）")) -> None:
    """列出已过保管期限的轮次（供鉴定，不会自动删除）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.archive import retention_due

    r = rt()
    with domain_errors():
        day = read_date(as_of, "日期") if as_of else to_beijing(r.clock.now()).date()
        with r.uow() as uow:
            rows = retention_due(uow, day, rules=r.rules)
    r.emit(
        rows,
        lambda: (
            "\n".join(
                f"{x['round_id']:>4}  {x['doc_number']}  {x['title']}  "
                f"保管期限{x['retention']}，至{x['retention_until']}"
                for x in rows
            )
            or "没有已过保管期限的轮次。"
        ),
    )
