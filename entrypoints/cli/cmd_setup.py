"""init, demo, workdays."""

from __future__ import annotations

from datetime import date

import typer

from entrypoints.cli.runtime import domain_errors, rt
from kernel.errors import InvalidInput


def init() -> None:
    """创建或升级数据库，并按配置文件 [offices] 中的机关配置登记（或更新）每个发文机关。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from storage.migrate import upgrade
    from workflow.services.checkpoints import ensure_signing_key
    from workflow.services.offices import ensure_office

    r = rt()
    with domain_errors():
        key, created = ensure_signing_key(r.settings)  # before the engine, so init's own events are signed
        upgrade(r.engine)
        offices: dict[str, int] = {}
        for profile in r.settings.profiles:
            with r.uow(all_offices=True) as uow:
                offices[profile.code] = ensure_office(uow, r.clock, r.actor, profile.name, profile=profile)
    office_id = offices.get(r.settings.default_office)
    where = r.engine.url.render_as_string(hide_password=True)
    r.emit(
        {
            "database": where,
            "office_id": office_id,
            "offices": offices,
            "audit_key_id": key.key_id,
            "audit_key_created": created,
            "audit_signing_key": str(key.path),
        },
        f"数据库已就绪：{where}\n发文机关：{'、'.join(offices) or '（配置文件中没有 [offices]）'}\n"
        f"审计签名密钥：{key.path}（密钥编号 {key.key_id}" + ("，新生成" if created else "") + "）",
    )


def demo() -> None:
    """载入演示数据：种子材料记录的一轮真实征求意见（演示办公室的档案）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from storage.migrate import upgrade
    from workflow.demo.loader import DOC_NUMBER, load_demo
    from workflow.services.queries import ILLUSTRATIVE_TIMES_NOTICE

    r = rt()
    with domain_errors():
        upgrade(r.engine)
        result = load_demo(r.engine, r.settings)
    r.emit(
        {
            "round_id": result.round_id,
            "draft_id": result.draft_id,
            "illustrative_times": True,
            "recorded": list(result.recorded),
            "illustrative": list(result.illustrative),
            "notice": ILLUSTRATIVE_TIMES_NOTICE,
        },
        f"演示数据已载入：轮次 {result.round_id}（{DOC_NUMBER}），文稿 {result.draft_id}。\n"
        f"种子材料记载的时间：{'、'.join(result.recorded)}。\n"
        f"{ILLUSTRATIVE_TIMES_NOTICE}（{'、'.join(result.illustrative)}为示意，页面和文书上均有标注）。",
    )


def workdays(
    from_: str = typer.Option(..., "--from", help="起算日期 YYYY-MM-DD"),
    add: int = typer.Option(..., "--add", help="工作日数"),
) -> None:
    """按国务院公布的节假日和调休安排计算工作日。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.calendar import CalendarConfig, WorkCalendar

    r = rt()
    with domain_errors():
        try:
            start = date.fromisoformat(from_)
        except ValueError:
            raise InvalidInput("DATE_INVALID", f"日期“{from_}”格式不正确，应为 YYYY-MM-DD。") from None
        calendar = WorkCalendar(CalendarConfig.from_mapping(r.settings.section("calendar")))
        result = calendar.add_workdays(start, add)
    r.emit(
        {
            "from": start.isoformat(),
            "add": add,
            "date": result.end.isoformat(),
            "reasoning": result.reasoning_zh(),
            "warnings": list(result.warnings),
        },
        lambda: "\n".join([result.end.isoformat(), *result.reasoning_zh(), *result.warnings]),
    )


def backup(output: str = typer.Option(..., "--output", help="备份文件路径（不能已存在）")) -> None:
    """在线备份 SQLite 数据库（服务运行中也可执行），并校验备份中的审计记录哈希链。"""
    from pathlib import Path

    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from storage.backup import BackupUnsupported, backup_sqlite
    from storage.db import is_sqlite, make_engine
    from storage.uow import UnitOfWork
    from workflow.services.audit import note_backup, verify

    r = rt()
    target = Path(output)
    with domain_errors():
        if target.exists():
            raise InvalidInput("BACKUP_TARGET_EXISTS", f"备份文件 {target} 已存在，请换一个文件名。")
        if is_sqlite(r.ready_engine()):
            with r.uow(all_offices=True) as uow:
                note_backup(uow, r.clock, r.actor, str(target.resolve()))
        try:
            size = backup_sqlite(r.ready_engine(), target)
        except BackupUnsupported:
            raise InvalidInput(
                "BACKUP_USE_PG_DUMP",
                "PostgreSQL 数据库请用 pg_dump 备份，例如：pg_dump -Fc -d <数据库地址> -f consultflow.dump",
            ) from None
        copy = make_engine(f"sqlite:///{target.resolve()}")
        try:
            with UnitOfWork(copy) as uow:
                verdict = verify(uow)
        finally:
            copy.dispose()
        if not verdict.ok:
            raise InvalidInput(
                "BACKUP_AUDIT_BROKEN",
                f"备份已写出，但其中的审计记录哈希链校验未通过（第一条异常记录序号 {verdict.first_bad_seq}）。",
                output=str(target),
            )
    r.emit(
        {"output": str(target), "bytes": size, "audit_events": verdict.checked, "audit_ok": True},
        f"已备份到 {target}（{size} 字节），审计记录 {verdict.checked} 条，哈希链校验通过。",
    )
