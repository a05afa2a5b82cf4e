"""progress start / reply / sweep / status / links / revoke-link / reissue-link: the monthly progress rounds."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from entrypoints.cli.cmd_units import read_file
from entrypoints.cli.runtime import domain_errors, rt
from kernel.errors import InvalidInput
from kernel.timefmt import cn_datetime, read_instant

if TYPE_CHECKING:
    from workflow.services.progress import EntryInput, EvidenceInput
    from workflow.tracking.schedule import ProgressSettings


app = typer.Typer(help="月度进展报送", no_args_is_help=True)


def progress_settings() -> ProgressSettings:
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.tracking.schedule import ProgressSettings

    return ProgressSettings.from_mapping(rt().settings.section("progress"))


@app.command("start")
def start(
    month: str = typer.Option(..., "--month", help="月份，如 2023-10"),
    due: str | None = typer.Option(None, "--due", help="报送截止时间（默认为配置中的每月 due_day 日 17时）"),
) -> None:
    """向有未销号事项的责任单位发出本月进展报送请求（各单位专属链接）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.progress import StartProgress, request_token, start_progress

    r = rt()
    with domain_errors():
        settings = progress_settings()
        at = read_instant(due, "报送截止时间", date_only_at=settings.due_time) if due else None
        office_id = r.office_id()
        with r.uow() as uow:
            started = start_progress(
                uow, r.clock, r.actor, StartProgress(office_id, month, at), settings, r.settings.secret_key
            )
        with r.uow() as uow:
            base = r.settings.base_url.rstrip("/")
            links = {
                q.unit_name: f"{base}/p/{request_token(q, r.settings.secret_key)}"
                for q in uow.tracking.requests(started.round_id)
            }
    r.emit(
        {
            "round_id": started.round_id,
            "month": started.month,
            "due": started.due.isoformat(),
            "requests": started.requests,
            "units": started.units,
            "links": links,
        },
        f"已发起 {started.month} 进展报送（编号 {started.round_id}），{started.requests} 家单位，"
        f"截止 {cn_datetime(started.due)}。",
    )


def _entries(file: Path) -> tuple[list[EntryInput], list[EvidenceInput]]:
    """{"items": [{"item_id": 3, "status": "推进中", "text": "…", "evidence": ["照片.jpg"]}]} (or the list alone)."""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.progress import EntryInput, EvidenceInput

    try:
        data: Any = json.loads(read_file(file).decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput(
            "PROGRESS_FILE_INVALID", '进展文件应为 JSON：{"items": [{"item_id", "status", "text"}]}。'
        ) from None
    rows = data.get("items") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not all(isinstance(x, dict) and "item_id" in x for x in rows):
        raise InvalidInput("PROGRESS_FILE_INVALID", '进展文件应为 JSON：{"items": [{"item_id", "status", "text"}]}。')
    entries = [EntryInput(int(x["item_id"]), str(x.get("status", "")), str(x.get("text", ""))) for x in rows]
    files = [
        EvidenceInput(
            int(x["item_id"]),
            Path(name).name,
            mimetypes.guess_type(name)[0] or "application/octet-stream",
            read_file(file.parent / name),
        )
        for x in rows
        for name in x.get("evidence", [])
    ]
    return entries, files


@app.command("reply")
def reply(
    round_id: int = typer.Option(..., "--round", help="进展报送编号"),
    unit: str = typer.Option(..., "--unit", help="报送单位"),
    file: Path = typer.Option(..., "--file", help="逐项进展（JSON）"),
) -> None:
    """代单位录入本月进展（逐项：进展情况、状态、佐证材料）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.progress import ReportProgress, report_progress, request_for_unit

    r = rt()
    with domain_errors():
        entries, files = _entries(file)
        with r.uow() as uow:
            request_id = request_for_unit(uow, round_id, unit).id or 0
        with r.uow() as uow:
            request = report_progress(uow, r.clock, r.actor, ReportProgress(request_id, entries, files))
    r.emit(
        {"request_id": request.id, "unit": request.unit_name, "state": request.state, "items": len(entries)},
        f"{request.unit_name}本月进展已报送（{len(entries)}项）。",
    )


@app.command("sweep")
def sweep_cmd() -> None:
    """把已过截止时间仍未报送的单位记为“未报送”（调度器每分钟也会执行）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.progress import sweep_progress

    r = rt()
    with domain_errors():
        result = sweep_progress(r.uows(), r.clock)
    r.emit(
        {"rounds": result.rounds, "not_reported": result.not_reported},
        f"已截止 {result.rounds} 轮，记为未报送 {result.not_reported} 家。",
    )


@app.command("status")
def status(month: str | None = typer.Option(None, "--month", help="月份，默认最近一轮")) -> None:
    """本月报送与督办情况：已报送 / 未报送单位，已销号 / 逾期 / 督办事项。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.reports.tracking import progress_summary

    r = rt()
    with domain_errors():
        office_id = r.office_id()
        with r.uow() as uow:
            data = progress_summary(uow, r.clock, office_id, month)
    units, items = data["units"], data["items"]
    r.emit(
        data,
        f"{data['month_label']}：已报送 {len(units['reported'])} 家，未报送 {len(units['not_reported'])} 家"
        f"（{'、'.join(units['not_reported']) or '无'}）；逾期 {len(items['overdue'])} 项，"
        f"督办 {len(items['supervised'])} 项，已销号 {len(items['closed'])} 项。",
    )


@app.command("links")
def links(round_id: int = typer.Option(..., "--round", help="进展报送编号")) -> None:
    """列出本轮每个单位的报送链接及报送状态（--json：[{"request_id", "unit", "state", "url"}]，撤销的为 null）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.progress_links import progress_links

    r = rt()
    with domain_errors(), r.uow() as uow:
        found = progress_links(uow, r.settings.secret_key, r.settings.base_url, round_id)
    data = [{"request_id": x.request_id, "unit": x.unit, "state": x.state, "url": x.url} for x in found]
    lines = [f"{x.unit}\t{x.state_label}\t{x.url or '（链接已撤销）'}" for x in found]
    r.emit(data, "\n".join(lines) or "本轮没有报送单位。")


def _relink(round_id: int, unit: str, reissue: bool) -> None:
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.progress import request_for_unit, request_token
    from workflow.services.progress_links import revoke_progress_link

    r = rt()
    with domain_errors():
        with r.uow() as uow:
            request_id = request_for_unit(uow, round_id, unit).id or 0
        with r.uow() as uow:
            request = revoke_progress_link(
                uow, r.clock, r.actor, request_id, secret=r.settings.secret_key, reissue=reissue
            )
    url = f"{r.settings.base_url.rstrip('/')}/p/{request_token(request, r.settings.secret_key)}" if reissue else None
    r.emit(
        {"request_id": request.id, "unit": request.unit_name, "revoked": True, "reissued": reissue, "url": url},
        f"{request.unit_name}的新报送链接：{url}（已随报送通知重新发送）"
        if reissue
        else f"{request.unit_name}的报送链接已撤销，暂时无法通过链接报送。",
    )


@app.command("revoke-link")
def revoke_link_cmd(
    round_id: int = typer.Option(..., "--round", help="进展报送编号"),
    unit: str = typer.Option(..., "--unit", help="报送单位"),
    reissue: bool = typer.Option(True, "--reissue/--no-reissue", help="撤销后是否生成新链接并随通知重发"),
) -> None:
    """撤销单位的报送链接（误发、转给了他人时）；默认同时生成新链接并随报送通知重新发送。"""
    _relink(round_id, unit, reissue)


@app.command("reissue-link")
def reissue_link_cmd(
    round_id: int = typer.Option(..., "--round", help="进展报送编号"),
    unit: str = typer.Option(..., "--unit", help="报送单位"),
) -> None:
    """为单位生成新的报送链接（原链接随即失效）并随报送通知发送。"""
    _relink(round_id, unit, True)
