"""tasks import / list / map-unit / supervise / close: tracked items after issue."""

from __future__ import annotations

import mimetypes
from pathlib import Path

import typer

from entrypoints.cli.cmd_units import read_file
from entrypoints.cli.runtime import domain_errors, rt

app = typer.Typer(help="跟踪事项（重点任务、整改措施）", no_args_is_help=True)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="整改措施表：.txt、.md、.docx 或 .xlsx"),
    doc_date: str | None = typer.Option(None, "--date", help="文件的成文日期（没有年份的完成时限据此推算）"),
) -> None:
    """导入整改措施表，逐条生成跟踪事项；需人工确认的问题一并列出。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.tracking import ImportMeasures, import_measures
    from workflow.tracking.schedule import read_day

    r = rt()
    with domain_errors():
        office_id = r.office_id()
        with r.uow() as uow:
            result = import_measures(
                uow, r.clock, r.actor, ImportMeasures(office_id, file.name, read_file(file), read_day(doc_date))
            )

    def human() -> str:
        lines = [f"已导入 {len(result.items)} 项整改措施（措施表编号 {result.table_id}）。"]
        if result.problems:
            lines.append(f"需人工确认 {len(result.problems)} 处：")
            lines += [f"  第{p['row']}行 {p['column']}：{p['message']}" for p in result.problems]
        return "\n".join(lines)

    r.emit({"imported": len(result.items), "items": result.items, "problems": result.problems}, human)


@app.command("list")
def list_(
    overdue: bool = typer.Option(False, "--overdue", help="只列逾期未完成的"),
    unit: str | None = typer.Option(None, "--unit", help="只列该单位负责的"),
) -> None:
    """列出跟踪事项（状态、完成时限、是否逾期）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.tracking import list_items

    r = rt()
    with domain_errors():
        office_id = r.office_id()
        with r.uow() as uow:
            items = list_items(uow, r.clock, office_id, overdue=overdue, unit=unit)

    def human() -> str:
        if not items:
            return "没有符合条件的跟踪事项。"
        return "\n".join(
            f"{i['id']:>4} {'【逾期】' if i['overdue'] else ''}{(i['measure'] or i['problem']).splitlines()[0][:40]}"
            f" | {'、'.join(i['units'][:4]) or '（责任单位未对应）'} | {i['due'] or '—'} | {i['status']}"
            for i in items
        )

    r.emit(items, human)


@app.command("map-unit")
def map_unit_cmd(
    text: str = typer.Argument(..., help="责任单位原文中的名称，如“市县人民政府”"),
    unit: str = typer.Option(..., "--unit", help="单位名录中的单位"),
) -> None:
    """指定一个名称对应的单位（本机关保存，以后导入时自动使用）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.tracking import map_unit

    r = rt()
    with domain_errors():
        office_id = r.office_id()
        with r.uow() as uow:
            result = map_unit(uow, r.clock, r.actor, office_id, text, unit)
    r.emit(
        {
            "text": result.text,
            "unit": result.unit,
            "items_updated": result.items_updated,
            "unresolved": result.still_unresolved,
        },
        f"“{result.text}”已对应为 {result.unit}，更新 {result.items_updated} 项。"
        + (f"仍未对应：{'、'.join(result.still_unresolved)}。" if result.still_unresolved else ""),
    )


@app.command("supervise")
def supervise_cmd(
    item: int = typer.Option(..., "--item", help="跟踪事项编号"),
    note: str = typer.Option(..., "--note", help="督办要求"),
) -> None:
    """挂牌督办：此后每月的报送请求都列出督办要求，直至销号。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.tracking import supervise

    r = rt()
    with domain_errors(), r.uow() as uow:
        row = supervise(uow, r.clock, r.actor, item, note)
    r.emit({"id": row.id, "supervised": True, "note": row.supervision_note}, f"事项 {row.id} 已挂牌督办。")


@app.command("close")
def close_cmd(
    item: int = typer.Option(..., "--item", help="跟踪事项编号"),
    evidence: Path = typer.Option(..., "--evidence", help="完成佐证材料（照片、扫描件、PDF）"),
) -> None:
    """销号：单位已报完成的事项，凭佐证材料销号。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.tracking import close_item

    r = rt()
    with domain_errors():
        data = read_file(evidence)
        kind = mimetypes.guess_type(evidence.name)[0] or "application/octet-stream"
        with r.uow() as uow:
            row = close_item(uow, r.clock, r.actor, item, evidence.name, data, kind)
    r.emit({"id": row.id, "status": row.state}, f"事项 {row.id} 已销号。")
