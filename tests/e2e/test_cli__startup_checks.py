"""What the long-running commands check before they start: the secret key and the notification settings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kernel.clock import FixedClock
from tests.support.cli import Cli, write_config

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
STRONG = "k3Jx9-0vQm2Lw8sT4yZb7NcRf1HdGp6Ue5Ai"


def _cli(tmp_path: Path, db_url: str, base_url: str, secret: str) -> Cli:
    extra = f'\n[server]\nbase_url = "{base_url}"\n[security]\nsecret_key = "{secret}"\n'
    cli = Cli(write_config(tmp_path / "config.toml", db_url, extra), FixedClock(NOW))
    cli.ok("init")
    return cli


@pytest.mark.parametrize("secret", ["change-me-in-production", "short-but-not-placeholder"])
def test_public_site_refuses_a_weak_key(tmp_path: Path, db_url: str, secret: str) -> None:
    cli = _cli(tmp_path, db_url, "https://zqyj.xiaoyi.example.cn", secret)
    error = cli.error("scheduler", "--once")
    assert error["code"] == "SECRET_KEY_WEAK" and "secret_key" in error["message"]
    assert cli.error("notify", "once")["code"] == "SECRET_KEY_WEAK"
    plain = cli("scheduler", "--once", json=False)
    assert plain.exit_code != 0 and "回复链接可能被伪造" in plain.stderr


def test_strong_key_from_the_environment(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cli = _cli(tmp_path, db_url, "https://zqyj.xiaoyi.example.cn", "change-me-in-production")
    monkeypatch.setenv("CONSULTFLOW_SECRET_KEY", STRONG)
    assert cli.ok("scheduler", "--once") == {"enforced_rounds": 0, "deemed_no_objection": 0}


def test_local_site_only_warns(tmp_path: Path, db_url: str) -> None:
    cli = _cli(tmp_path, db_url, "http://127.0.0.1:8000", "change-me-in-production")
    result = cli("scheduler", "--once")
    assert result.exit_code == 0 and result.json["enforced_rounds"] == 0
    assert "security.weak_secret_key" in result.stderr and "回复链接可能被伪造" in result.stderr


def test_a_mistyped_mail_setting_stops_the_relay_before_it_sends(tmp_path: Path, db_url: str) -> None:
    extra = (
        f'\n[security]\nsecret_key = "{STRONG}"\n'
        '[notifications.smtp]\nhost = "mail.xiaoyi.gov.cn"\nsecurity = "tls"\nsender = "ajw@xiaoyi.gov.cn"\n'
    )
    config = write_config(tmp_path / "config.toml", db_url, extra).read_text("utf-8")
    config = config.replace('enabled = ["console"]\nconsole_only = true', 'enabled = ["email"]')
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    cli = Cli(tmp_path / "config.toml", FixedClock(NOW))
    cli.ok("init")
    error = cli.error("notify", "once")
    assert error["code"] == "NOTIFY_CONFIG_INVALID"
    assert (
        error["message"]
        == "config.toml [notifications.smtp] 配置错误：security 应为 plain、starttls 或 ssl，收到“tls”。"
    )


def test_a_wrong_password_hash_cost_stops_commands_with_its_code(tmp_path: Path, db_url: str) -> None:
    """``[security.password_hash]`` out of Argon2's bounds: every command refuses to run, with its code."""
    config = write_config(tmp_path / "config.toml", db_url)
    config.write_text(config.read_text(encoding="utf-8").replace("time_cost = 1", "time_cost = 0"), encoding="utf-8")
    cli = Cli(config, FixedClock(NOW))
    for command in (("init",), ("round", "list")):
        error = cli.error(*command)
        assert error["code"] == "PASSWORD_HASH_CONFIG_INVALID" and "time_cost" in error["message"], command
    plain = cli("init", json=False)
    assert plain.exit_code != 0 and "[security.password_hash]" in plain.stderr
