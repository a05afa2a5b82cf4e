"""reply, admit, sweep: what happens to a round's replies and its deadline (top-level commands)."""

from __future__ import annotations

from pathlib import Path

import typer

from entrypoints.cli.cmd_units import read_file
from entrypoints.cli.runtime import domain_errors, rt
from kernel.errors import InvalidInput
from kernel.timefmt import read_instant


def reply(
    round_id: int = typer.Option(..., "--round"),
    unit: str = typer.Option(..., "--unit"),
    no_comments: bool = typer.Option(False, "--no-comments"),
    comments: Path | None = typer.Option(None, "--comments", help="JSON 文件"),
    form: Path | None = typer.Option(None, "--form", help="单位填好的回复表（Word .docx），意见从表中读取"),
    channel: str | None = typer.Option(None, "--channel", help="web|paper|email（默认 web；用 --form 时默认 email）"),
    received_at: str | None = typer.Option(None, "--received-at"),
    sealed: bool = typer.Option(False, "--sealed", help="已加盖公章"),
) -> None:
    """登记一个单位的回复。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.replies import SubmitReply, parse_comments_json, submit_reply, with_form

    r = rt()
    with domain_errors():
        if [no_comments, comments is not None, form is not None].count(True) != 1:
            raise InvalidInput("REPLY_KIND_REQUIRED", "请指定 --no-comments、--comments 或 --form 之一。")
        cmd = SubmitReply(
            round_id=round_id,
            unit_name=unit,
            no_comments=no_comments,
            comments=parse_comments_json(read_file(comments)) if comments else [],
            channel=channel or ("email" if form else "web"),
            received_at=read_instant(received_at, "收到时间") if received_at else None,
            sealed=sealed,
        )
        if form is not None:
            cmd = with_form(cmd, form.name, read_file(form))
        with r.uow() as uow:
            result = submit_reply(uow, r.clock, r.actor, cmd)
    r.emit(
        {"reply_id": result.reply_id, "late": result.late, "revision": result.revision, "state": result.state},
        f"回复已登记（第 {result.revision} 次）" + ("，已逾期，不计入采纳决定。" if result.late else "。"),
    )


def admit(
    reply_id: int = typer.Option(..., "--reply"),
    reason: str = typer.Option(..., "--reason"),
) -> None:
    """将逾期回复的意见纳入采纳决定。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.replies import admit_late_reply

    r = rt()
    with domain_errors(), r.uow() as uow:
        admit_late_reply(uow, r.clock, r.actor, reply_id, reason)
    r.emit({"reply_id": reply_id, "admitted": True}, f"逾期回复 {reply_id} 已纳入采纳决定。")


def sweep() -> None:
    """立即执行截止：逾期未回复的单位视为无意见。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.deadlines import sweep as sweep_service

    r = rt()
    with domain_errors():
        result = sweep_service(r.uows(), r.clock)
    r.emit(
        {"enforced_rounds": result.enforced_rounds, "deemed_no_objection": result.deemed_no_objection},
        f"已截止 {result.enforced_rounds} 轮，{result.deemed_no_objection} 家单位视为无意见。",
    )
