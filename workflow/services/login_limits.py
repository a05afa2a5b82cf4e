"""Signing in under the login rate limits (see ``workflow.services.ratelimit`` for what each counts and why).

The per-client limit counts every attempt; the per-client-and-account limit counts only failures, so the
clerk's own successful sign-ins never use it up, and an attacker's failures block only the attacker's address.
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.clock import Clock
from kernel.errors import InvalidInput
from kernel.text import normalise_username
from storage.models import User
from storage.uow import UnitOfWork
from workflow.services.accounts import ChangePassword, SessionStarted, change_password, login
from workflow.services.ratelimit import RateRule, check_hit, peek, refuse_if


@dataclass(frozen=True)
class LoginLimits:
    per_account: RateRule  # failed attempts of one client on one account (user name normalised)
    per_client: RateRule  # every attempt of one client, whatever user name it tries


@dataclass(frozen=True)
class LoginAttempt:
    client: str  # the client address (from a trusted proxy's X-Forwarded-For only when configured)
    username: str
    password: str


def limited_login(uow: UnitOfWork, clock: Clock, limits: LoginLimits, attempt: LoginAttempt) -> SessionStarted:
    """Refuse over either limit (``RATE_LIMITED`` with the waiting time), else check the password;
    a failure is counted against this client and account before ``LOGIN_FAILED`` is raised."""
    account_key = f"{attempt.client}\n{normalise_username(attempt.username)}"
    client = check_hit(uow, clock, limits.per_client, attempt.client)
    account = peek(uow, clock, limits.per_account, account_key)
    uow.commit()  # the attempt counts even when refused
    refuse_if(client, limits.per_client)
    refuse_if(account, limits.per_account)
    try:
        return login(uow, clock, attempt.username, attempt.password)
    except InvalidInput:
        check_hit(uow, clock, limits.per_account, account_key)
        uow.commit()
        raise


def limited_password_change(
    uow: UnitOfWork, clock: Clock, limits: LoginLimits, client: str, username: str, cmd: ChangePassword
) -> User:
    """A password change under the login's per-account failure limit: a wrong old password counts as a
    failed sign-in, so a borrowed session cannot be used to guess the password it does not know."""
    account_key = f"{client}\n{normalise_username(username)}"
    account = peek(uow, clock, limits.per_account, account_key)
    uow.commit()
    refuse_if(account, limits.per_account)
    try:
        return change_password(uow, clock, cmd)
    except InvalidInput as exc:
        if "PASSWORD_WRONG" in (exc.details.get("codes") or [exc.code]):
            uow.rollback()
            check_hit(uow, clock, limits.per_account, account_key)
            uow.commit()
        raise
