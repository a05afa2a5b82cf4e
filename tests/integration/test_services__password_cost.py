"""Argon2id's cost is a setting (``[security.password_hash]``, default RFC 9106 §4): a wrong value stops
start-up with a code; a hash made at another cost still signs in, and is remade at the configured cost on
that sign-in, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from kernel.clock import FixedClock
from kernel.errors import InvalidInput
from kernel.passwords import DEFAULT_COST, PasswordCost, use_cost
from storage.uow import UnitOfWork
from tests.support.scenario import STAFF, setup_office
from tests.support.web import T0
from workflow.config import Settings, load_settings
from workflow.services.accounts import add_user, login

PASSWORD = "correct-horse-battery"


def _settings(tmp_path: Path, section: str) -> Settings:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite:///x.db"\n{section}\n', encoding="utf-8")
    return load_settings(path)


def test_the_default_cost_is_rfc_9106s_and_the_section_sets_another(tmp_path: Path) -> None:
    assert _settings(tmp_path, "").password_cost == DEFAULT_COST == PasswordCost(3, 65536, 4)
    chosen = _settings(tmp_path, "[security.password_hash]\ntime_cost = 2\nmemory_kib = 19456\nparallelism = 1")
    assert chosen.password_cost == PasswordCost(2, 19456, 1)


@pytest.mark.parametrize(
    "section",
    [
        "time_cost = 0",
        "parallelism = 0",
        "memory_kib = 16\nparallelism = 4",
        'time_cost = "fast"',
        "rounds = 3",
    ],
)
def test_a_wrong_cost_is_refused_with_its_code(tmp_path: Path, section: str) -> None:
    settings = _settings(tmp_path, f"[security.password_hash]\n{section}")
    with pytest.raises(InvalidInput) as refused:
        settings.password_cost  # noqa: B018
    assert refused.value.code == "PASSWORD_HASH_CONFIG_INVALID" and "[security.password_hash]" in refused.value.message


def test_a_hash_of_another_cost_signs_in_and_is_remade_at_the_configured_one(sqlite_engine: Engine) -> None:
    clock = FixedClock(T0)
    office = setup_office(sqlite_engine, clock, units=1)
    old = PasswordCost(time_cost=1, memory_kib=32, parallelism=1)
    use_cost(old)
    with UnitOfWork(sqlite_engine) as uow:
        add_user(uow, clock, STAFF, username="wang", display_name="王", role="staff", password=PASSWORD,
                 office_id=office)
    with UnitOfWork(sqlite_engine) as uow:
        made = uow.accounts.by_username("wang").password_hash  # type: ignore[union-attr]
    assert "m=32,t=1,p=1" in made

    new = PasswordCost(time_cost=2, memory_kib=64, parallelism=1)
    use_cost(new)
    with UnitOfWork(sqlite_engine) as uow:
        login(uow, clock, "wang", PASSWORD)
    with UnitOfWork(sqlite_engine) as uow:
        remade = uow.accounts.by_username("wang").password_hash  # type: ignore[union-attr]
        actions = [e.action for e in uow.audit.events()]
    assert "m=64,t=2,p=1" in remade and PasswordHasher().verify(remade, PASSWORD)
    assert actions.count("user.password_rehashed") == 1

    with UnitOfWork(sqlite_engine) as uow:
        login(uow, clock, "wang", PASSWORD)  # at the configured cost already: left as it is
    with UnitOfWork(sqlite_engine) as uow:
        assert uow.accounts.by_username("wang").password_hash == remade  # type: ignore[union-attr]
        assert [e.action for e in uow.audit.events()].count("user.password_rehashed") == 1
