"""Settings from ``config.toml`` (path from ``--config`` or ``CONSULTFLOW_CONFIG``).

One object for the whole process; environment overrides exist only for what deployments and
tests must change without editing the file (the database URL).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel.errors import InvalidInput

DEFAULT_CONFIG = Path("config.toml")
DEVELOPMENT_SECRET = "consultflow-development-secret"
PLACEHOLDER_SECRETS = frozenset({DEVELOPMENT_SECRET, "change-me-in-production", "change-me", ""})
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Settings:
    path: Path
    database_url: str
    office_name: str
    office_short_name: str
    office_email: str
    reviewer_unit: str
    base_url: str
    host: str
    port: int
    log_format: str
    log_level: str
    raw: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        value = self.raw.get(name, {})
        return value if isinstance(value, dict) else {}

    @property
    def secret_key(self) -> str:
        """Reply links are HMAC(secret_key, nonce); ``CONSULTFLOW_SECRET_KEY`` keeps it out of the file."""
        return os.environ.get("CONSULTFLOW_SECRET_KEY") or str(
            self.section("security").get("secret_key", DEVELOPMENT_SECRET)
        )

    def _path(self, value: str) -> Path:
        path = Path(value)
        return path if path.is_absolute() else self.path.parent / path

    @property
    def audit_signing_key(self) -> Path:
        """The Ed25519 key that signs audit checkpoints (kept out of the database; mode 0600)."""
        return self._path(str(self.section("audit").get("signing_key", "var/audit-signing.key")))

    @property
    def audit_checkpoint_file(self) -> Path:
        """The append-only JSON-lines file the signed checkpoints go to."""
        return self._path(str(self.section("audit").get("checkpoint_file", "var/audit-checkpoints.jsonl")))

    @property
    def audit_checkpoint_every(self) -> int:
        return max(1, int(self.section("audit").get("checkpoint_every", 100)))

    def check_secret_key(self) -> str | None:
        """Refuse a placeholder or short key where the site is public (https); else say what is weak."""
        key = self.secret_key
        weak = key in PLACEHOLDER_SECRETS or len(key) < MIN_SECRET_LENGTH
        if not weak:
            return None
        message = (
            f"config.toml [security] secret_key 仍为示例值或少于{MIN_SECRET_LENGTH}个字符，回复链接可能被伪造。"
            '请设置随机密钥（可用 python3 -c "import secrets; print(secrets.token_urlsafe(48))" 生成），'
            "或通过环境变量 CONSULTFLOW_SECRET_KEY 提供。"
        )
        if self.base_url.startswith("https://"):
            raise InvalidInput("SECRET_KEY_WEAK", message)
        return message


def _resolve_sqlite(url: str, base: Path) -> str:
    """Relative SQLite paths are relative to the config file, not to the working directory. A SQLite URI
    (``sqlite:///file:/srv/cf.db?mode=ro&uri=true``, e.g. a read-only replica) is taken as written."""
    prefix = "sqlite:///"
    relative = url.startswith(prefix) and not url.startswith((prefix + "/", prefix + "file:"))
    if relative and ":memory:" not in url:
        return prefix + str((base / url[len(prefix) :]).resolve())
    return url


def load_settings(path: str | Path | None = None) -> Settings:
    chosen = Path(path or os.environ.get("CONSULTFLOW_CONFIG") or DEFAULT_CONFIG)
    if not chosen.exists():
        raise InvalidInput("CONFIG_NOT_FOUND", f"找不到配置文件 {chosen}。", path=str(chosen))
    try:
        raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput("CONFIG_INVALID", f"配置文件 {chosen} 格式错误：{exc}") from None
    db = raw.get("database", {})
    office = raw.get("office", {})
    server = raw.get("server", {})
    logging = raw.get("logging", {})
    url = os.environ.get("CONSULTFLOW_DATABASE_URL") or db.get("url") or "sqlite:///var/consultflow.db"
    host = str(server.get("host", "127.0.0.1"))
    port = int(server.get("port", 8000))
    return Settings(
        path=chosen.resolve(),
        database_url=_resolve_sqlite(url, chosen.resolve().parent),
        office_name=str(office.get("name", "")),
        office_short_name=str(office.get("short_name", "")),
        office_email=str(office.get("email", "")),
        reviewer_unit=str(office.get("reviewer_unit", "市司法局")),
        base_url=str(server.get("base_url", f"http://{host}:{port}")).rstrip("/"),
        host=host,
        port=port,
        log_format=os.environ.get("CONSULTFLOW_LOG_FORMAT") or str(logging.get("format", "console")),
        log_level=str(logging.get("level", "INFO")),
        raw=raw,
    )
