"""Accounts and sessions: argon2 password hashes, random session ids stored hashed, CSRF tokens.

Every account belongs to one office (the one whose ``users add`` created it). Staff and admins see only
that office. A reviewer account serves every office whose profile names the same reviewing unit as its
own office's (``reviewer_unit``, e.g. one 司法局 reviewing for several offices of a city): its queue
spans them all, and adding an office with that reviewer puts it there without touching the account.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kernel.actors import Actor, Role
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput, NotFound, Problems
from kernel.ids import ref
from kernel.passwords import PasswordCost, current_cost
from kernel.text import check_texts, normalise_username, xml_safe
from storage.models import Office, User, WebSession
from storage.uow import UnitOfWork
from workflow.services._common import record


@cache
def _hasher_for(cost: PasswordCost) -> PasswordHasher:
    return PasswordHasher(time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism)


def _hasher() -> PasswordHasher:
    """Argon2id at the process's configured cost (``kernel.passwords``, from ``[security.password_hash]``)."""
    return _hasher_for(current_cost())


@cache
def _dummy_hash(cost: PasswordCost) -> str:
    """What a login for an unknown or disabled user is checked against, so it does the same work as one for
    a real user. Made by the first login of a process, not at import: hashing takes about 0.2 s,
    and the user commands (each a new process) never log in."""
    return _hasher_for(cost).hash("consultflow-timing-equaliser")


ROLES = ("staff", "reviewer", "admin")
ROLE_LABELS = {"staff": "工作人员", "reviewer": "合法性审查人员", "admin": "管理员"}
SESSION_HOURS = 8


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


MIN_PASSWORD = 10


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("PASSWORD_TOO_SHORT", f"密码至少需要{MIN_PASSWORD}个字符。")


def _new_password(problems: Problems, password: str, repeat: str | None, field: str, repeat_field: str) -> None:
    """The rules of a new password, the same for the CLI and the pages; ``repeat`` is the second typing
    of a web form (the CLI's prompt confirms on its own, so it passes ``None``)."""
    if repeat is None:  # the CLI: one problem at a time, with its plain code, as it always answered
        problems.check()
        _check_password(password)
        return
    problems.attempt(field, lambda: _check_password(password))
    if repeat != password:
        problems.add(repeat_field, InvalidInput("PASSWORD_MISMATCH", "两次输入的新密码不一致。"))


def _load_user(uow: UnitOfWork, username: str) -> User:
    user = uow.accounts.by_username(normalise_username(username))
    if user is None:
        raise NotFound("USER_UNKNOWN", f"用户名“{username}”不存在。", username=username)
    return user


def account_by_id(uow: UnitOfWork, user_id: int) -> User:
    """An account of the offices this unit of work sees, by its number (the admin page and the API name
    accounts by id); another office's account is not found, as any of its rows."""
    account = uow.accounts.user(user_id)
    if account is None:
        raise NotFound("USER_UNKNOWN", f"编号为 {user_id} 的账号不存在。", user_id=user_id)
    return account


def account_view(user: User) -> dict[str, object]:
    """An account as the API and ``users list --json`` show it (never its password hash)."""
    return {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "role": user.role,
        "role_label": ROLE_LABELS.get(user.role, user.role),
        "active": user.active,
    }


def add_user(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    office_id: int,
    repeat: str | None = None,
) -> User:
    """A new account; every problem of the form at once (field names as the admin page's form)."""
    problems = Problems()
    problems.attempt("username", lambda: check_texts({"用户名": username}))
    problems.attempt("display_name", lambda: check_texts({"姓名": display_name}))
    username = normalise_username(username)  # stored in the one form the lookup and the login limit use
    if not username or not display_name.strip():
        field = "username" if not username else "display_name"
        problems.add(field, InvalidInput("USER_FIELDS_REQUIRED", "请填写用户名和姓名。"))
    if role not in ROLES:
        problems.add("role", InvalidInput("ROLE_INVALID", f"角色“{role}”无效，可选：staff、reviewer、admin。"))
    _new_password(problems, password, repeat, "password", "password2")
    problems.check()
    if uow.directory.office(office_id) is None:
        raise NotFound("OFFICE_NOT_FOUND", f"发文机关 {office_id} 不存在。", office_id=office_id)
    if uow.accounts.by_username(username, anywhere=True):  # user names are unique on the whole server
        raise Conflict("USER_EXISTS", f"用户名“{username}”已存在。", field="username")
    user = User(
        office_id=office_id,
        username=username,
        display_name=display_name.strip(),
        role=role,
        password_hash=_hasher().hash(password),
        created_at=clock.now(),
    )
    uow.accounts.add(user)
    record(uow, actor, clock.now(), "user.created", ref("user", user.id), office_id=office_id,
           username=user.username, role=role)
    uow.commit()
    return user


def set_active(
    uow: UnitOfWork, clock: Clock, actor: Actor, username: str, *, active: bool, by_user_id: int | None = None
) -> User:
    """Disable an account (someone left the office) or enable it again; disabling signs it out everywhere.

    An admin signed in as ``by_user_id`` cannot disable that account, and the last admin who can sign in
    is never disabled: nobody could manage the accounts in the web app after that."""
    user = _load_user(uow, username)
    if user.active == active:
        raise Conflict("USER_STATE_UNCHANGED", f"账号“{user.username}”已经是{'启用' if active else '停用'}状态。")
    if not active and by_user_id is not None and user.id == by_user_id:
        raise Conflict("USER_SELF_DISABLE", "不能停用自己正在使用的账号。")
    if not active and user.role == "admin" and uow.accounts.active_admins() <= 1:
        raise Conflict("USER_LAST_ADMIN", f"“{user.username}”是唯一在用的管理员账号，停用后将无人能管理账号。")
    user.active = active
    uow.accounts.add(user)
    ended = 0 if active else uow.accounts.end_sessions_of(user.id or 0)
    action = "user.enabled" if active else "user.disabled"
    record(uow, actor, clock.now(), action, ref("user", user.id), office_id=user.office_id, username=user.username,
           sessions_ended=ended)
    uow.commit()
    return user


def reset_password(
    uow: UnitOfWork, clock: Clock, actor: Actor, username: str, password: str, repeat: str | None = None
) -> User:
    """Set a new password; every open session of the account ends, so a leaked session dies with the old one."""
    problems = Problems()
    _new_password(problems, password, repeat, "password", "password2")
    problems.check()
    user = _load_user(uow, username)
    user.password_hash = _hasher().hash(password)
    uow.accounts.add(user)
    ended = uow.accounts.end_sessions_of(user.id or 0)
    record(uow, actor, clock.now(), "user.password_reset", ref("user", user.id), office_id=user.office_id,
           username=user.username, sessions_ended=ended)
    uow.commit()
    return user


@dataclass(frozen=True)
class ChangePassword:
    """A signed-in person changing their own password: the old one, the new one typed twice."""

    user_id: int
    session_token: str  # this session stays signed in; every other one ends
    old: str
    new: str
    repeat: str


def change_password(uow: UnitOfWork, clock: Clock, cmd: ChangePassword) -> User:
    """Everyone's own password change, under the same rules as a reset; all problems at once."""
    user = uow.accounts.user(cmd.user_id)
    if user is None or not user.active:
        raise NotFound("USER_UNKNOWN", "账号不存在或已停用。")
    problems = Problems()
    try:
        _hasher().verify(user.password_hash, cmd.old)
        old_ok = True
    except (VerificationError, InvalidHashError):
        old_ok = False
        problems.add("old_password", InvalidInput("PASSWORD_WRONG", "原密码不正确。"))
    _new_password(problems, cmd.new, cmd.repeat, "new_password", "new_password2")
    if old_ok and cmd.new == cmd.old:
        problems.add("new_password", InvalidInput("PASSWORD_UNCHANGED", "新密码不能与原密码相同。"))
    problems.check()
    user.password_hash = _hasher().hash(cmd.new)
    uow.accounts.add(user)
    ended = uow.accounts.end_sessions_of(user.id or 0, keep_token_hash=_hash(cmd.session_token))
    actor = Actor(user.display_name, Role(user.role))
    record(
        uow, actor, clock.now(), "user.password_changed", ref("user", user.id), username=user.username,
        sessions_ended=ended,
    )
    uow.commit()
    return user


@dataclass(frozen=True)
class SessionStarted:
    token: str
    csrf_token: str
    user_id: int


def login(uow: UnitOfWork, clock: Clock, username: str, password: str) -> SessionStarted:
    """Check the password (constant work whether or not the user exists) and open a session."""
    hasher = _hasher()
    dummy = _dummy_hash(current_cost())  # before the look-up: the process's first login pays for it
    user = uow.accounts.by_username(normalise_username(username))
    try:
        hasher.verify(user.password_hash if user and user.active else dummy, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    now = clock.now()
    if ok and user is not None and hasher.check_needs_rehash(user.password_hash):
        # Made with another cost (the setting changed since): remade now, while the password is at hand.
        user.password_hash = hasher.hash(password)
        uow.accounts.add(user)
        record(uow, Actor(user.display_name, Role(user.role)), now, "user.password_rehashed", ref("user", user.id),
               office_id=user.office_id)
    if not ok or user is None:
        shown = xml_safe(normalise_username(username))[:50]  # whatever was typed, made safe to keep and show
        record(uow, Actor(shown or "（空）", Role.staff), now, "auth.login_failed", f"user:{shown}",
               office_id=user.office_id if user else None)
        uow.commit()
        raise InvalidInput("LOGIN_FAILED", "用户名或密码错误。")
    uow.accounts.purge_expired(user.id or 0, now)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    uow.accounts.add(
        WebSession(
            token_hash=_hash(token),
            user_id=user.id or 0,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    record(uow, Actor(user.display_name, Role(user.role)), now, "auth.login", ref("user", user.id),
           office_id=user.office_id)
    uow.commit()
    return SessionStarted(token, csrf, user.id or 0)


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    role: str
    csrf_token: str
    office_id: int = 0  # the account's own office (0: none, sees nothing)
    offices: tuple[int, ...] = ()  # every office it may see: its own; a reviewer's, all its unit reviews for
    office_names: dict[int, str] = field(default_factory=dict)  # id → short name, for pages naming the office

    @property
    def actor(self) -> Actor:
        return Actor(self.display_name, Role(self.role))

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def current_user(uow: UnitOfWork, clock: Clock, token: str | None) -> CurrentUser | None:
    if not token:
        return None
    session = uow.accounts.web_session(_hash(token), clock.now())
    if session is None:
        return None
    user = uow.accounts.user(session.user_id)
    if user is None or not user.active:
        return None
    offices = served_offices(uow, user)
    return CurrentUser(
        user.id or 0,
        user.username,
        user.display_name,
        user.role,
        session.csrf_token,
        office_id=user.office_id or 0,
        offices=tuple(offices),
        office_names={o.id or 0: o.short_name or o.name for o in offices.values()},
    )


def served_offices(uow: UnitOfWork, user: User) -> dict[int, Office]:
    """The offices an account sees: its own; for a reviewer, also every office its reviewing unit serves."""
    own = uow.directory.office(user.office_id) if user.office_id else None
    if own is None or own.id is None:
        return {}
    ids = [own.id]
    if user.role == Role.reviewer.value:
        ids += [i for i in uow.directory.offices_reviewed_by(own.reviewer_unit) if i != own.id]
    return uow.directory.offices_by_ids(ids)


def logout(uow: UnitOfWork, clock: Clock, user: CurrentUser, token: str) -> None:
    uow.accounts.end_session(_hash(token))
    record(uow, user.actor, clock.now(), "auth.logout", ref("user", user.id), office_id=user.office_id or None)
    uow.commit()
