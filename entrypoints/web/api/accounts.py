"""Accounts: an admin lists the accounts of their office, adds one, disables or enables it and resets its
password; everyone signed in changes their own. The rules are the CLI's and the admin page's
(``workflow.services.accounts``): an admin cannot disable their own account, the last admin who can sign
in is never disabled, a reset or a disable ends the account's sessions; everyone but an admin gets 403
``FORBIDDEN`` on the admin's routes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from entrypoints.web.api.bodies import AccountActiveBody, NewAccountBody, PasswordChangeBody, PasswordResetBody
from entrypoints.web.api.schemas import Ok
from entrypoints.web.deps import (
    SESSION_COOKIE,
    Admin,
    AdminWrite,
    AnyUserWrite,
    ClockDep,
    Id,
    ReadUowDep,
    UowDep,
    client_of,
)
from workflow.services.accounts import (
    ChangePassword,
    account_by_id,
    account_view,
    add_user,
    reset_password,
    set_active,
)
from workflow.services.login_limits import limited_password_change

router = APIRouter(tags=["账号"])


class AccountView(BaseModel):
    id: int
    username: str
    name: str = Field(description="姓名")
    role: str = Field(description="staff | reviewer | admin")
    role_label: str = Field(description="角色的中文名称")
    active: bool


class Accounts(BaseModel):
    users: list[AccountView]


@router.get("/users")
def api_users(user: Admin, uow: ReadUowDep) -> Accounts:
    """The accounts of the admin's office (the same list as ``users list`` for that office)."""
    return Accounts(users=[AccountView.model_validate(account_view(u)) for u in uow.accounts.users()])


@router.post("/users", status_code=201, response_model=AccountView)
def api_add_user(body: NewAccountBody, user: AdminWrite, uow: UowDep, clock: ClockDep) -> dict[str, Any]:
    """A new account of the admin's own office; every problem of the body at once (``details.fields``)."""
    account = add_user(
        uow,
        clock,
        user.actor,
        username=body.username,
        display_name=body.display_name,
        role=body.role,
        password=body.password,
        repeat=body.password,  # one typing over the API: the rules checked together, as on the page
        office_id=user.office_id,
    )
    return account_view(account)


@router.post("/users/{user_id}/active", response_model=AccountView)
def api_set_active(
    user_id: Id, body: AccountActiveBody, user: AdminWrite, uow: UowDep, clock: ClockDep
) -> dict[str, Any]:
    account = account_by_id(uow, user_id)
    changed = set_active(uow, clock, user.actor, account.username, active=body.active, by_user_id=user.id)
    return account_view(changed)


@router.post("/users/{user_id}/password", response_model=AccountView)
def api_reset_password(
    user_id: Id, body: PasswordResetBody, user: AdminWrite, uow: UowDep, clock: ClockDep
) -> dict[str, Any]:
    account = account_by_id(uow, user_id)
    changed = reset_password(uow, clock, user.actor, account.username, body.password, body.password)
    return account_view(changed)


@router.post("/account/password")
def api_change_own_password(
    request: Request, body: PasswordChangeBody, user: AnyUserWrite, uow: UowDep, clock: ClockDep
) -> Ok:
    """The signed-in person's own password; a wrong old password counts as a failed sign-in."""
    cmd = ChangePassword(
        user_id=user.id,
        session_token=request.cookies.get(SESSION_COOKIE, ""),
        old=body.old_password,
        new=body.new_password,
        repeat=body.new_password,
    )
    limited_password_change(uow, clock, request.app.state.login_limits, client_of(request), user.username, cmd)
    return Ok(ok=True)
