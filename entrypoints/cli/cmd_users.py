"""users add / list."""

from __future__ import annotations

import os

import typer

from entrypoints.cli.runtime import domain_errors, rt
from workflow.services.accounts import ROLE_LABELS, add_user

app = typer.Typer(help="用户账号", no_args_is_help=True)


@app.command("add")
def add(
    username: str = typer.Option(..., "--username"),
    name: str = typer.Option(..., "--name", help="姓名"),
    role: str = typer.Option(..., "--role", help="staff|reviewer|admin"),
    password: str | None = typer.Option(None, "--password", help="不填则读取 CONSULTFLOW_PASSWORD 或提示输入"),
) -> None:
    """新增工作人员、审查人员或管理员账号（密码以 argon2 哈希保存）。"""
    r = rt()
    secret = (
        password
        or os.environ.get("CONSULTFLOW_PASSWORD")
        or typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    )
    with domain_errors(), r.uow() as uow:
        user = add_user(uow, r.clock, r.actor, username=username, display_name=name, role=role, password=secret)
    r.emit(
        {"user_id": user.id, "username": user.username, "role": user.role},
        f"已新增{ROLE_LABELS[user.role]}账号：{user.username}（{user.display_name}）",
    )


@app.command("list")
def list_() -> None:
    """列出账号。"""
    r = rt()
    with domain_errors(), r.uow() as uow:
        users = [
            {"id": u.id, "username": u.username, "name": u.display_name, "role": u.role, "active": u.active}
            for u in uow.accounts.users()
        ]
    r.emit(
        {"users": users}, lambda: "\n".join(f"{u['username']}  {u['name']}  {ROLE_LABELS[u['role']]}" for u in users)
    )
