"""offices add / list: the offices this server runs (each with its own directory, rounds and staff)."""

from __future__ import annotations

from pathlib import Path

import typer

from entrypoints.cli.runtime import domain_errors, rt

app = typer.Typer(help="发文机关（一台服务器可运行多个机关）", no_args_is_help=True)


@app.command("add")
def add(profile: Path = typer.Option(..., "--profile", help="机关配置文件（TOML，格式见 profiles/*.toml）")) -> None:
    """按机关配置文件登记一个发文机关；代码已存在时按文件更新（导入时新增的单位类别保留）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.profiles import load_profile_file
    from workflow.services.offices import ensure_office

    r = rt()
    with domain_errors():
        loaded = load_profile_file(profile)
        with r.uow(all_offices=True) as uow:
            existed = uow.directory.office_by_code(loaded.code) is not None
            office_id = ensure_office(uow, r.clock, r.actor, loaded.name, profile=loaded)
    verb = "已更新" if existed else "已登记"
    r.emit(
        {"office_id": office_id, "code": loaded.code, "name": loaded.name, "created": not existed},
        f"{verb}发文机关：{loaded.name}（代码 {loaded.code}，编号 {office_id}）。以 --office {loaded.code} 为其操作。",
    )


@app.command("list")
def list_() -> None:
    """列出本服务器上的发文机关。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.offices import list_offices

    r = rt()
    with domain_errors(), r.uow(all_offices=True) as uow:
        offices = list_offices(uow)
    default = r.settings.default_office
    for office in offices:
        office["default"] = office["code"] == default
    r.emit(
        {"offices": offices},
        lambda: (
            "\n".join(
                f"{o['code']}  {o['name']}（{o['short_name'] or o['name']}，{o['level']}级）"
                f"  审查：{o['reviewer_unit'] or '—'}  类别：{'、'.join(o['categories']) or '—'}"
                + ("  （默认）" if o["default"] else "")
                for o in offices
            )
            or "尚无发文机关，请先执行 consultflow init。"
        ),
    )
