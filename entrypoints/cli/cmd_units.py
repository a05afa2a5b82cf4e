"""units import / list / export."""

from __future__ import annotations

from pathlib import Path

import typer

from entrypoints.cli.runtime import domain_errors, rt
from kernel.errors import InvalidInput

app = typer.Typer(help="单位名录", no_args_is_help=True)


@app.command("import")
def import_(file: Path = typer.Argument(..., help="CSV 或 XLSX 文件")) -> None:
    """从 CSV/XLSX 导入本机关的单位名录（名称,类别,别名,联系人,电话,邮箱,webhook）。

    文件中本机关尚未设置的单位类别按首次出现的顺序加入机关配置（类别清单已锁定时拒绝导入）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.parsing.units_file import parse_units_file
    from workflow.services.units import import_units

    r = rt()
    with domain_errors():
        records = parse_units_file(file.name, _read(file))
        with r.uow() as uow:
            result = import_units(uow, r.clock, r.actor, records, office_id=r.office_id())
    added = f"；新增单位类别：{'、'.join(result.new_categories)}" if result.new_categories else ""
    r.emit(
        {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "new_categories": result.new_categories,
        },
        f"导入完成：新增 {result.created} 家，更新 {result.updated} 家，未变 {result.unchanged} 家{added}。",
    )


@app.command("list")
def list_() -> None:
    """列出单位名录。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.offices import office_profile
    from workflow.services.units import unit_summary

    r = rt()
    with domain_errors(), r.uow() as uow:
        profile = office_profile(uow, r.office_id())
        units = [unit_summary(u, profile) for u in uow.directory.units(r.office_id())]
    r.emit(
        {"units": units},
        lambda: "\n".join(
            f"{u['id']:>4}  {u['name']}  {u['category_label']}  {u['contact']} {u['phone']} {u['email']}" for u in units
        ),
    )


@app.command("export")
def export(output: Path = typer.Option(..., "--output", help="导出文件（.csv 或 .xlsx），可修改后再导入")) -> None:
    """导出单位名录（与导入相同的表头），便于在 Excel/WPS 中修改后再导入。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.reports.units_export import export_units
    from workflow.services.offices import office_profile

    r = rt()
    with domain_errors():
        with r.uow() as uow:
            units = list(uow.directory.units(r.office_id()))
            profile = office_profile(uow, r.office_id())
        data = export_units(units, output.suffix.lower().lstrip("."), profile)
        output.write_bytes(data)
    r.emit({"output": str(output), "units": len(units)}, f"已导出 {len(units)} 家单位到 {output}。")


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise InvalidInput("FILE_UNREADABLE", f"无法读取文件 {file}：{exc.strerror}") from None


read_file = _read
