"""report, audit verify / export."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from entrypoints.cli.runtime import domain_errors, rt
from kernel.errors import DomainError, InvalidInput
from workflow.services.audit import events_csv, export_events, verify

audit_app = typer.Typer(help="审计记录", no_args_is_help=True)

KINDS = ("adoption", "letter", "reply-form", "explanation", "review-package", "audit")
FORMATS = ("json", "md", "html", "docx")


def report(
    round_id: int = typer.Option(..., "--round"),
    kind: str = typer.Option(..., "--kind", help="|".join(KINDS)),
    fmt: str = typer.Option("json", "--format", help="|".join(FORMATS)),
    output: Path | None = typer.Option(None, "--output"),
    unit: str | None = typer.Option(None, "--unit", help="回复表：只生成该单位的"),
) -> None:
    """生成文书：采纳情况表、征求意见函、回复表、起草说明、送审材料、审计报告。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.reports.render import render_report

    r = rt()
    with domain_errors():
        if kind not in KINDS:
            raise InvalidInput("REPORT_KIND_INVALID", f"文书类型“{kind}”无效，可选：{'、'.join(KINDS)}。")
        if fmt not in FORMATS:
            raise InvalidInput("REPORT_FORMAT_INVALID", f"格式“{fmt}”无效，可选：{'、'.join(FORMATS)}。")
        with r.uow() as uow:
            rendered = render_report(uow, round_id, kind, fmt, unit=unit)
    if output is not None:
        if rendered.format == "zip" and output.suffix.lower() != ".zip":
            with domain_errors():
                raise InvalidInput(
                    "REPORT_OUTPUT_MISMATCH",
                    f"未指定 --unit 时，回复表为每个单位各一份，打包为 ZIP 文件，不能保存为“{output.name}”。"
                    "请用 --unit 指定单位，或将 --output 设为 .zip 文件。",
                )
        output.write_bytes(rendered.data)
        r.emit(
            {"output": str(output), "kind": kind, "format": rendered.format, "bytes": len(rendered.data)},
            f"已生成 {output}",
        )
        return
    if rendered.binary:
        raise_binary()
    if r.as_json and fmt == "json":
        typer.echo(rendered.data.decode("utf-8"))
    else:
        typer.echo(rendered.data.decode("utf-8"))


def raise_binary() -> None:
    rt().fail(DomainError("OUTPUT_REQUIRED", "DOCX 或 ZIP 文件请用 --output 指定保存路径。"))


@audit_app.command("verify")
def verify_cmd() -> None:
    """校验审计记录哈希链：完整返回 0，否则指出第一条异常记录的序号。"""
    r = rt()
    with domain_errors(), r.uow() as uow:
        verdict = verify(uow)
    data = {
        "ok": verdict.ok,
        "checked": verdict.checked,
        "first_bad_seq": verdict.first_bad_seq,
        "problem": verdict.problem,
    }
    if verdict.ok:
        r.emit(data, f"审计记录完整：共 {verdict.checked} 条，哈希链校验通过。")
        return
    if r.as_json:
        typer.echo(
            json.dumps(
                {"error": {"code": "AUDIT_CHAIN_BROKEN", "message": verdict.problem, **data}}, ensure_ascii=False
            )
        )
    else:
        typer.echo(f"审计记录校验失败：第一条异常记录序号 {verdict.first_bad_seq}。{verdict.problem}", err=True)
    raise typer.Exit(3)


@audit_app.command("export")
def export_cmd(
    round_id: int | None = typer.Option(None, "--round"),
    fmt: str = typer.Option("json", "--format", help="json|csv"),
    output: Path | None = typer.Option(None, "--output"),
) -> None:
    """导出审计记录。"""
    r = rt()
    with domain_errors():
        if fmt not in ("json", "csv"):
            raise InvalidInput("EXPORT_FORMAT_INVALID", "导出格式只能是 json 或 csv。")
        with r.uow() as uow:
            events = export_events(uow, round_id)
    text = json.dumps({"events": events}, ensure_ascii=False) if fmt == "json" else events_csv(events)
    if output:
        output.write_text(text, encoding="utf-8")
        r.emit({"output": str(output), "events": len(events)}, f"已导出 {len(events)} 条审计记录到 {output}")
    else:
        typer.echo(text)
