"""users add / disable / enable / password / list."""

from __future__ import annotations

import os

import typer

from entrypoints.cli.runtime import domain_errors, rt

app = typer.Typer(help="用户账号", no_args_is_help=True)


@app.command("add")
def add(
    username: str = typer.Option(..., "--username"),
    name: str = typer.Option(..., "--name", help="姓名"),
    role: str = typer.Option(..., "--role", help="staff|reviewer|admin"),
    password: str | None = typer.Option(None, "--password", help="不填则读取 CONSULTFLOW_PASSWORD 或提示输入"),
) -> None:
    """为本机关（--office）新增工作人员、审查人员或管理员账号（密码以 argon2 哈希保存）。

    工作人员和管理员只能看到本机关的数据；审查人员还能看到与本机关同一审查单位（reviewer_unit）的各机关的送审件。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.accounts import ROLE_LABELS, add_user

    r = rt()
    secret = _password(password)
    with domain_errors(), r.uow() as uow:
        user = add_user(
            uow,
            r.clock,
            r.actor,
            username=username,
            display_name=name,
            role=role,
            password=secret,
            office_id=r.office_id(),
        )
    r.emit(
        {"user_id": user.id, "username": user.username, "role": user.role, "office": r.office},
        f"已为 {r.office} 新增{ROLE_LABELS[user.role]}账号：{user.username}（{user.display_name}）",
    )


def _password(given: str | None) -> str:
    return (
        given
        or os.environ.get("CONSULTFLOW_PASSWORD")
        or typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    )


def _set_active(username: str, active: bool) -> None:
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.accounts import set_active

    r = rt()
    with domain_errors(), r.uow() as uow:
        user = set_active(uow, r.clock, r.actor, username, active=active)
    verb = "启用" if active else "停用"
    r.emit({"username": user.username, "active": active}, f"已{verb}账号：{user.username}（{user.display_name}）")


@app.command("disable")
def disable(username: str = typer.Option(..., "--username")) -> None:
    """停用账号（如人员调离）：不能再登录，已登录的会话立即失效。"""
    _set_active(username, active=False)


@app.command("enable")
def enable(username: str = typer.Option(..., "--username")) -> None:
    """重新启用账号。"""
    _set_active(username, active=True)


@app.command("password")
def password_(
    username: str = typer.Option(..., "--username"),
    password: str | None = typer.Option(None, "--password", help="不填则读取 CONSULTFLOW_PASSWORD 或提示输入"),
) -> None:
    """重置密码；该账号所有已登录的会话随之失效。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.accounts import reset_password

    r = rt()
    secret = _password(password)
    with domain_errors(), r.uow() as uow:
        user = reset_password(uow, r.clock, r.actor, username, secret)
    r.emit({"username": user.username, "password_reset": True}, f"已重置密码：{user.username}（{user.display_name}）")


@app.command("list")
def list_() -> None:
    """列出本机关的账号。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.accounts import ROLE_LABELS, account_view

    r = rt()
    with domain_errors(), r.uow() as uow:
        users = [account_view(u) for u in uow.accounts.users()]
    r.emit(
        {"users": users},
        lambda: "\n".join(
            f"{u['username']}  {u['name']}  {ROLE_LABELS[str(u['role'])]}{'' if u['active'] else '  （已停用）'}"
            for u in users
        ),
    )
