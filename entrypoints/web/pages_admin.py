"""Accounts in the web app: the admin's list (create, disable or enable, reset a password) and every
signed-in person's own password change. The rules are the CLI's (``workflow.services.accounts``); only
admins see or change accounts, everyone else is refused with a 403 in Chinese."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from entrypoints.web.deps import (
    SESSION_COOKIE,
    Admin,
    AdminWrite,
    AnyUser,
    AnyUserWrite,
    ClockDep,
    Id,
    ReadUowDep,
    UowDep,
    client_of,
)
from entrypoints.web.form_page import refused
from entrypoints.web.pages_common import back, page
from kernel.errors import DomainError
from storage.uow import UnitOfWork
from workflow.services.accounts import (
    ROLE_LABELS,
    ROLES,
    ChangePassword,
    account_by_id,
    add_user,
    reset_password,
    set_active,
)
from workflow.services.login_limits import limited_password_change

router = APIRouter(include_in_schema=False)
USERS = "/admin/users"


def _context(uow: UnitOfWork) -> dict[str, object]:
    return {"accounts": list(uow.accounts.users()), "roles": ROLES, "role_names": ROLE_LABELS}


async def _refused(request: Request, uow: UnitOfWork, user: object, exc: DomainError, edited: object) -> Response:
    """The list again with the problem beside the form it came from; passwords are never sent back."""
    uow.rollback()
    form = await request.form()
    return refused(request, "users.html", exc, form, user=user, edited=edited, **_context(uow))


@router.get(USERS)
def users_page(request: Request, user: Admin, uow: ReadUowDep) -> Response:
    return page(request, "users.html", user, edited=None, **_context(uow))


@router.post(USERS)
async def create_user(request: Request, user: AdminWrite, uow: UowDep, clock: ClockDep) -> Response:
    form = await request.form()
    text = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        add_user(
            uow,
            clock,
            user.actor,
            username=text.get("username", ""),
            display_name=text.get("display_name", ""),
            role=text.get("role", ""),
            password=text.get("password", ""),
            repeat=text.get("password2", ""),
            office_id=user.office_id,  # an admin adds accounts to their own office
        )
    except DomainError as exc:
        return await _refused(request, uow, user, exc, "new")
    return back(USERS, "user_created")


@router.post(USERS + "/{user_id}/active")
async def set_user_active(request: Request, user_id: Id, user: AdminWrite, uow: UowDep, clock: ClockDep) -> Response:
    active = (await request.form()).get("active") == "1"
    try:
        account = account_by_id(uow, user_id)
        set_active(uow, clock, user.actor, account.username, active=active, by_user_id=user.id)
    except DomainError as exc:
        return await _refused(request, uow, user, exc, user_id)
    return back(USERS, "user_enabled" if active else "user_disabled")


@router.post(USERS + "/{user_id}/password")
async def reset_user_password(
    request: Request, user_id: Id, user: AdminWrite, uow: UowDep, clock: ClockDep
) -> Response:
    form = await request.form()
    password, repeat = str(form.get("password") or ""), str(form.get("password2") or "")
    try:
        account = account_by_id(uow, user_id)
        reset_password(uow, clock, user.actor, account.username, password, repeat)
    except DomainError as exc:
        return await _refused(request, uow, user, exc, user_id)
    return back(USERS, "password_reset")


@router.get("/account/password")
def password_page(request: Request, user: AnyUser) -> Response:
    return page(request, "password.html", user)


@router.post("/account/password")
async def change_own_password(request: Request, user: AnyUserWrite, uow: UowDep, clock: ClockDep) -> Response:
    form = await request.form()
    cmd = ChangePassword(
        user_id=user.id,
        session_token=request.cookies.get(SESSION_COOKIE, ""),
        old=str(form.get("old_password") or ""),
        new=str(form.get("new_password") or ""),
        repeat=str(form.get("new_password2") or ""),
    )
    limits = request.app.state.login_limits
    try:
        limited_password_change(uow, clock, limits, client_of(request), user.username, cmd)
    except DomainError as exc:
        uow.rollback()
        return refused(request, "password.html", exc, None, user=user)
    return back("/account/password", "password_changed")
