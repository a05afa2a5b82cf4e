"""report, audit verify / export."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer

from entrypoints.cli.runtime import domain_errors, rt
from kernel.errors import DomainError, InvalidInput, NotFound

audit_app = typer.Typer(help="审计记录", no_args_is_help=True)

KINDS = (
    "adoption",
    "letter",
    "draft",
    "task-table",
    "reply-form",
    "letter-package",
    "explanation",
    "review-package",
    "audit",
)
TRACKING_KINDS = ("measures", "progress-summary")
FORMATS = ("json", "md", "html", "docx")


def report(
    round_id: int | None = typer.Option(None, "--round", help="征求意见轮次（征求意见类文书必填）"),
    kind: str = typer.Option(..., "--kind", help="|".join(KINDS + TRACKING_KINDS)),
    fmt: str = typer.Option("json", "--format", help="|".join(FORMATS) + "（measures 另可 xlsx）"),
    output: Path | None = typer.Option(None, "--output"),
    unit: str | None = typer.Option(None, "--unit", help="回复表：只生成该单位的"),
    month: str | None = typer.Option(None, "--month", help="measures / progress-summary：月份，默认最近一轮"),
    table: int | None = typer.Option(None, "--table", help="measures：措施表编号，默认最近导入的"),
) -> None:
    """生成文书：采纳情况表、征求意见函及其附件（征求意见稿、重点任务分工、回复表；letter-package 打包为 ZIP）、
    起草说明、送审材料、审计报告、整改措施表、月度进展通报。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.reports.render import render_report, render_tracking

    r = rt()
    with domain_errors():
        if kind not in KINDS + TRACKING_KINDS:
            known = "、".join(KINDS + TRACKING_KINDS)
            raise InvalidInput("REPORT_KIND_INVALID", f"文书类型“{kind}”无效，可选：{known}。")
        if fmt not in FORMATS and not (kind == "measures" and fmt == "xlsx"):
            raise InvalidInput("REPORT_FORMAT_INVALID", f"格式“{fmt}”无效，可选：{'、'.join(FORMATS)}。")
        if kind in TRACKING_KINDS:
            office_id = r.office_id()
            with r.uow() as uow:
                rendered = render_tracking(uow, r.clock, office_id, kind, fmt, month=month, table_id=table)
        else:
            if round_id is None:
                raise InvalidInput("ROUND_REQUIRED", "请用 --round 指定征求意见轮次。")
            with r.uow() as uow:
                rendered = render_report(uow, round_id, kind, fmt, unit=unit, rules=r.rules)
    if output is not None:
        if rendered.format == "zip" and output.suffix.lower() != ".zip":
            with domain_errors():
                raise InvalidInput(
                    "REPORT_OUTPUT_MISMATCH",
                    f"征求意见函及附件打包为 ZIP 文件，不能保存为“{output.name}”，请将 --output 设为 .zip 文件。"
                    if kind == "letter-package"
                    else f"未指定 --unit 时，回复表为每个单位各一份，打包为 ZIP 文件，不能保存为“{output.name}”。"
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
def verify_cmd(
    checkpoint: Path | None = typer.Option(None, "--checkpoint", help="已签名的检查点文件（JSON 或 JSON lines）"),
    public_key: Path | None = typer.Option(None, "--public-key", help="核验签名用的公钥（默认用本机关密钥）"),
    state: bool = typer.Option(False, "--state", help="重放审计记录，与各数据表的当前状态逐项核对"),
) -> None:
    """校验审计记录：哈希链；--checkpoint 核对已签名检查点；--state 核对数据表状态。有问题退出码 3。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.audit import verify
    from workflow.services.audit_state import verify_state
    from workflow.services.checkpoints import parse_checkpoints, verify_against, verifying_key

    r = rt()
    findings: list[DomainError] = []
    with domain_errors():
        checkpoints = None
        if checkpoint is not None:
            if not checkpoint.exists():
                raise InvalidInput("AUDIT_CHECKPOINT_MALFORMED", f"检查点文件 {checkpoint} 不存在。")
            checkpoints = parse_checkpoints(checkpoint.read_text(encoding="utf-8"), str(checkpoint))
            key = verifying_key(r.settings, public_key)
        with r.uow(all_offices=True) as uow:  # the chain and the tables of the whole server
            verdict = verify(uow)
            report = verify_against(uow, checkpoints, key) if checkpoints is not None else None
            replayed = verify_state(uow) if state else None
    data: dict[str, Any] = {
        "ok": verdict.ok,
        "checked": verdict.checked,
        "first_bad_seq": verdict.first_bad_seq,
        "problem": verdict.problem,
    }
    if report is not None:
        findings.extend(report.findings)
        data["checkpoints"] = report.checkpoints
        data["latest_checkpoint"] = report.latest.to_dict() if report.latest else None
    elif not verdict.ok:
        findings.append(DomainError("AUDIT_CHAIN_BROKEN", verdict.problem, seq=verdict.first_bad_seq))
    if replayed is not None:
        data["state"] = {"events": replayed.events, "checked": replayed.checked}
        data["differences"] = [asdict(d) | {"message": d.message} for d in replayed.differences]
        if replayed.differences:
            message = "；".join(d.message for d in replayed.differences[:5])
            more = len(replayed.differences) - 5
            findings.append(
                DomainError(
                    "AUDIT_STATE_MISMATCH",
                    f"数据表与审计记录不符（{len(replayed.differences)} 处）：{message}"
                    + (f"；另有 {more} 处" if more > 0 else ""),
                )
            )
    data["ok"] = not findings
    data["findings"] = [{"code": f.code, "message": f.message, **f.details} for f in findings]
    if not findings:
        parts = [f"审计记录完整：共 {verdict.checked} 条，哈希链校验通过。"]
        if report is not None:
            parts.append(f"{report.checkpoints} 个已签名检查点均与数据库一致。")
        if replayed is not None:
            parts.append("重放审计记录得到的状态与数据表一致。")
        r.emit(data, "".join(parts))
        return
    first = findings[0]
    if r.as_json:
        typer.echo(json.dumps({"error": {"code": first.code, "message": first.message, **data}}, ensure_ascii=False))
    else:
        for f in findings:
            typer.echo(f"审计记录校验失败（{f.code}）：{f.message}", err=True)
    raise typer.Exit(3)


@audit_app.command("checkpoint")
def checkpoint_cmd(output: Path | None = typer.Option(None, "--output", help="写出检查点 JSON 的文件")) -> None:
    """用审计签名密钥签署当前链头，写出检查点（序号、哈希、时间、密钥编号、签名）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.checkpoints import signing_key

    r = rt()
    with domain_errors():
        signing_key(r.settings)  # a clear error without a key
        with r.uow(all_offices=True) as uow:
            signed = uow.checkpoint()
        if signed is None:
            raise NotFound("AUDIT_EMPTY", "还没有任何审计记录，无法生成检查点。")
    text = json.dumps(signed.to_dict(), ensure_ascii=False, indent=2)
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
        r.emit({"output": str(output), **signed.to_dict()}, f"已写出检查点（序号 {signed.seq}）到 {output}")
        return
    typer.echo(text)


@audit_app.command("public-key")
def public_key_cmd(output: Path | None = typer.Option(None, "--output")) -> None:
    """导出审计签名公钥（PEM），供司法局等核验检查点签名。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.checkpoints import signing_key

    r = rt()
    with domain_errors():
        key = signing_key(r.settings)
    pem = key.public_pem()
    if output is not None:
        output.write_text(pem, encoding="utf-8")
        r.emit({"output": str(output), "key_id": key.key_id}, f"已导出公钥（密钥编号 {key.key_id}）到 {output}")
        return
    r.emit({"key_id": key.key_id, "public_key": pem}, pem.rstrip())


@audit_app.command("export")
def export_cmd(
    round_id: int | None = typer.Option(None, "--round"),
    fmt: str = typer.Option("json", "--format", help="json|csv"),
    output: Path | None = typer.Option(None, "--output"),
) -> None:
    """导出审计记录。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.audit import events_csv, export_events

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
