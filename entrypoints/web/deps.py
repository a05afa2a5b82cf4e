"""What every request needs: the unit of work, the clock, the signed-in user, role and CSRF checks."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from kernel.clock import Clock
from kernel.errors import AuthRequired, Forbidden, TooManyRequests
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.services.accounts import CurrentUser, current_user
from workflow.services.ratelimit import RateRule, count_hit

SESSION_COOKIE = "cf_session"


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def clock_of(request: Request) -> Clock:
    return request.app.state.clock  # type: ignore[no-any-return]


def new_uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.engine)


def office_id_of(request: Request, uow: UnitOfWork) -> int:
    """The issuing office of this deployment; 0 (refused by the services) when none exists yet."""
    office = uow.directory.configured_office(settings_of(request).office_name)
    return office.id if office and office.id else 0


def optional_user(request: Request) -> CurrentUser | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with new_uow(request) as uow:
        return current_user(uow, clock_of(request), token)


def signed_in(request: Request) -> CurrentUser:
    user = optional_user(request)
    if user is None:
        raise AuthRequired("NOT_AUTHENTICATED", "请先登录。")
    request.state.user = user
    return user


def roles(*allowed: str) -> Callable[..., CurrentUser]:
    """Dependency: a signed-in user with one of ``allowed`` roles; everyone else is refused."""

    def check(request: Request, user: Annotated[CurrentUser, Depends(signed_in)]) -> CurrentUser:
        if user.role not in allowed:
            raise Forbidden("FORBIDDEN", "您的角色无权执行此操作。", role=user.role)
        return user

    return check


def check_csrf(user: CurrentUser, submitted: str | None) -> None:
    if not submitted or not hmac.compare_digest(submitted, user.csrf_token):
        raise Forbidden("CSRF_INVALID", "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试。")


Staff = Annotated[CurrentUser, Depends(roles("staff", "admin"))]
Reviewer = Annotated[CurrentUser, Depends(roles("reviewer", "admin"))]
AnyUser = Annotated[CurrentUser, Depends(roles("staff", "reviewer", "admin"))]


def limit_rate(request: Request, rule: RateRule, key: str) -> None:
    """Count this request in its own transaction (kept even when refused), then refuse if over the limit."""
    client = request.client.host if request.client else "?"
    with new_uow(request) as uow:
        allowed = count_hit(uow, clock_of(request), rule, f"{client}:{key}")
        uow.commit()
    if not allowed:
        raise TooManyRequests("RATE_LIMITED", rule.message)


def limit_link(request: Request, token: str) -> None:
    """Reply links are guessable only by brute force: count every use of one, page or API alike."""
    limit_rate(request, request.app.state.link_rule, token)
