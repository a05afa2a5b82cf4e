"""What every request needs, as ``Annotated`` dependencies: the request's unit of work, the clock,
the settings, the signed-in user with a role check, and for unsafe methods the CSRF check.

A GET reads in a read-only unit of work (``ReadUowDep``) unless it says it writes (``UowDep``, with its reason
in tests/support/routes.py, which tests/unit/test_architecture__read_only_gets.py holds the routes to); unsafe
methods write (``UowDep``).

One unit of work per request: SQLite transactions lock at BEGIN, so a second one opened while the
first is still open would wait for it. Once the signed-in user is known, the unit of work is scoped to
the offices the user may see (``storage.scope``): another office's round, draft, unit, document, link
or decision is then simply not found (404), so nothing tells a caller that it exists.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from typing import Annotated

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Header, Path, Request

from entrypoints.web.client_address import client_address
from kernel.clock import Clock
from kernel.errors import AuthRequired, Forbidden
from storage.readonly import ReadOnlyViolation
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.doc_types import DocTypes
from workflow.services.accounts import CurrentUser, current_user
from workflow.services.link_replies import LinkVisit
from workflow.services.login_limits import LoginAttempt

SESSION_COOKIE = "cf_session"
API_PREFIX = "/api/v1"
CSRF_MESSAGE = "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试。"


# Dependencies that do no I/O are ``async``: FastAPI runs every sync dependency in its thread pool, and
# each of those hand-offs cost more than the work (a link reply went through the pool five times).


async def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def clock_of(request: Request) -> Clock:
    return request.app.state.clock  # type: ignore[no-any-return]


async def _close(uow: UnitOfWork) -> None:
    """Close the request's unit of work. Opening it touched no database (the session connects on its first
    statement, in the route's thread), and neither does closing it once the route committed or rolled back;
    only a transaction left open is rolled back in a worker thread, off the event loop, shielded from
    cancellation and with its own capacity (as FastAPI exits a sync dependency) so it always runs."""
    if not uow.in_transaction():
        uow.__exit__(None, None, None)
        return
    with CancelScope(shield=True):
        await anyio.to_thread.run_sync(uow.__exit__, None, None, None, limiter=CapacityLimiter(1))


SAFE_METHODS = frozenset({"GET", "HEAD"})


async def request_uow(request: Request) -> AsyncIterator[UnitOfWork]:
    """The request's one unit of work, shared by the sign-in check (which scopes it to the user's offices)
    and the route; leaving it without a commit rolls back. A GET's is read-only (``storage.readonly``): on
    SQLite it reads beside writers instead of queueing behind them for the write lock. A GET that writes
    asks for ``UowDep`` (``write_uow``); every other GET reads through ``ReadUowDep``."""
    uow = UnitOfWork(request.app.state.engine, read_only=request.method in SAFE_METHODS).__enter__()
    try:
        yield uow
    finally:
        await _close(uow)


async def read_uow(uow: Annotated[UnitOfWork, Depends(request_uow)]) -> UnitOfWork:
    """The request's unit of work, read-only: a route that only reads says so, and any write in it fails
    loudly (``ReadOnlyViolation``) instead of waiting on SQLite's lock upgrade."""
    if not uow.read_only:  # a route that writes (or an unsafe method) asked for reading too: a wiring bug
        raise ReadOnlyViolation("a route that writes asked for the read-only unit of work")
    return uow


async def write_uow(uow: Annotated[UnitOfWork, Depends(request_uow)]) -> UnitOfWork:
    """The request's unit of work, writing: every unsafe method's, and a GET's that writes (counts a link's
    use, issues missing links, groups new public comments, records an audit event). A GET turns it writable
    here, before its work; the transaction the sign-in check read in was ended already (``optional_user``),
    so this touches no database on the event loop."""
    uow.allow_writes()
    return uow


MAX_ID = 2**31 - 1  # the largest id every table's INTEGER id column holds (PostgreSQL's INTEGER is 32-bit)
# Every id in a path: a larger or negative number is a 422 REQUEST_INVALID, never an overflow deep in the driver.
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="编号（正整数）")]
UowDep = Annotated[UnitOfWork, Depends(write_uow)]
ReadUowDep = Annotated[UnitOfWork, Depends(read_uow)]
RequestUow = Annotated[UnitOfWork, Depends(request_uow)]
ClockDep = Annotated[Clock, Depends(clock_of)]
SettingsDep = Annotated[Settings, Depends(settings_of)]


def rules_of(settings: SettingsDep) -> DocTypes:
    """The office's document types (``[doc_types]`` over the shipped defaults)."""
    return DocTypes.from_settings(settings)


RulesDep = Annotated[DocTypes, Depends(rules_of)]


def optional_user(request: Request, uow: RequestUow, clock: ClockDep) -> CurrentUser | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    user = current_user(uow, clock, token)
    # End the read at once: under SQLite a writing transaction holds the write lock, and a GET that writes
    # turns its unit of work writable only between transactions (``write_uow``).
    uow.rollback()
    return user


MaybeUser = Annotated[CurrentUser | None, Depends(optional_user)]


def signed_in(request: Request, user: MaybeUser, uow: RequestUow) -> CurrentUser:
    if user is None:
        raise AuthRequired("NOT_AUTHENTICATED", "请先登录。")
    request.state.user = user
    uow.restrict(user.offices)  # from here on the request sees only the user's offices
    return user


def office_id_of(user: CurrentUser) -> int:
    """The office a staff member or admin works for (new drafts, rounds, units and users are its)."""
    return user.office_id


def roles(*allowed: str, message: str = "您的角色无权执行此操作。") -> Callable[..., CurrentUser]:
    """Dependency: a signed-in user with one of ``allowed`` roles; everyone else is refused (``message``)."""

    def check(user: Annotated[CurrentUser, Depends(signed_in)]) -> CurrentUser:
        if user.role not in allowed:
            raise Forbidden("FORBIDDEN", message, role=user.role)
        return user

    return check


def check_csrf(user: CurrentUser, submitted: str | None) -> None:
    if not submitted or not hmac.compare_digest(submitted, user.csrf_token):
        raise Forbidden("CSRF_INVALID", CSRF_MESSAGE)


async def submitted_csrf(
    request: Request,
    x_csrf_token: Annotated[str | None, Header(alias="X-CSRF-Token", description="会话的 CSRF 令牌")] = None,
) -> str:
    """The CSRF token a request carries: the ``X-CSRF-Token`` header for the API, the ``csrf_token``
    field for the pages' forms (``request.form()`` is cached, so the route can still read it)."""
    if request.url.path.startswith(f"{API_PREFIX}/"):
        return x_csrf_token or ""
    form = await request.form()
    value = form.get("csrf_token")
    return value if isinstance(value, str) else ""


def writer(*allowed: str, message: str = "您的角色无权执行此操作。") -> Callable[..., CurrentUser]:
    """Dependency for unsafe methods: the role check first, then the session's CSRF token."""
    role_check = roles(*allowed, message=message)

    # A default, not ``Annotated``: annotations are strings here, and ``role_check`` is local.
    def check(user: CurrentUser = Depends(role_check), submitted: str = Depends(submitted_csrf)) -> CurrentUser:
        check_csrf(user, submitted)
        return user

    return check


Staff = Annotated[CurrentUser, Depends(roles("staff", "admin"))]
Reviewer = Annotated[CurrentUser, Depends(roles("reviewer", "admin"))]
AnyUser = Annotated[CurrentUser, Depends(roles("staff", "reviewer", "admin"))]
StaffWrite = Annotated[CurrentUser, Depends(writer("staff", "admin"))]
ReviewerWrite = Annotated[CurrentUser, Depends(writer("reviewer", "admin"))]
AnyUserWrite = Annotated[CurrentUser, Depends(writer("staff", "reviewer", "admin"))]
ADMIN_ONLY = "只有系统管理员可以管理账号。"
Admin = Annotated[CurrentUser, Depends(roles("admin", message=ADMIN_ONLY))]
AdminWrite = Annotated[CurrentUser, Depends(writer("admin", message=ADMIN_ONLY))]


def client_of(request: Request) -> str:
    """The client's address; ``X-Forwarded-For`` only from ``[security] trusted_proxies``."""
    peer = request.client.host if request.client else "?"
    return client_address(peer, request.headers.getlist("x-forwarded-for"), request.app.state.trusted_proxies)


def login_attempt(request: Request, username: str, password: str) -> LoginAttempt:
    return LoginAttempt(client=client_of(request), username=username, password=password)


async def link_visit(request: Request, token: Annotated[str, Path()]) -> LinkVisit:
    """One use of a reply link, counted against ``[security] link_requests_per_minute`` (per client and
    token) and ``link_failures_per_minute`` (unknown tokens per client)."""
    state = request.app.state
    return LinkVisit(
        token=token,
        client=client_of(request),
        rule=state.link_rule,
        probe_rule=state.link_probe_rule,
        reply_limits=state.reply_limits,
    )


LinkVisitDep = Annotated[LinkVisit, Depends(link_visit)]
