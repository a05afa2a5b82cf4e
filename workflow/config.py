"""Settings from ``config.toml`` (path from ``--config`` or ``CONSULTFLOW_CONFIG``).

One object for the whole process; environment overrides exist only for what deployments and
tests must change without editing the file (the database URL).

The offices this server runs are profiles (``workflow.profiles``): ``[offices] profiles`` lists their
files and ``default`` names the office a command acts for without ``--office``. A config written before
profiles existed still works: its ``[office]`` section is read as the one office's profile.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel.errors import InvalidInput
from kernel.passwords import DEFAULT_COST, PasswordCost
from workflow.profiles import OfficeProfile, load_profile_file, profile_from_mapping

DEFAULT_CONFIG = Path("config.toml")
DEVELOPMENT_SECRET = "consultflow-development-secret"
PLACEHOLDER_SECRETS = frozenset({DEVELOPMENT_SECRET, "change-me-in-production", "change-me", ""})
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Settings:
    path: Path
    database_url: str
    base_url: str
    host: str
    port: int
    log_format: str
    log_level: str
    raw: dict[str, Any] = field(default_factory=dict)
    profiles: tuple[OfficeProfile, ...] = ()  # every office configured for this server, checked at start-up
    default_office: str = ""  # the code of the office commands act for without --office

    def profile(self, code: str | None = None) -> OfficeProfile | None:
        """The configured profile with this code (the default office's for ``None``)."""
        wanted = code or self.default_office
        return next((p for p in self.profiles if p.code == wanted), None)

    @property
    def office_name(self) -> str:
        """The default office's full name (e.g. the e-mail sender's name when none is configured)."""
        default = self.profile()
        return default.name if default else ""

    def section(self, name: str) -> dict[str, Any]:
        value = self.raw.get(name, {})
        return value if isinstance(value, dict) else {}

    @property
    def secret_key(self) -> str:
        """Reply links are HMAC(secret_key, nonce); ``CONSULTFLOW_SECRET_KEY`` keeps it out of the file."""
        return os.environ.get("CONSULTFLOW_SECRET_KEY") or str(
            self.section("security").get("secret_key", DEVELOPMENT_SECRET)
        )

    @property
    def password_cost(self) -> PasswordCost:
        """``[security.password_hash]``: Argon2id's cost for new password hashes (default: RFC 9106 §4)."""
        where = "config.toml [security.password_hash]"
        raw = self.section("security").get("password_hash", {})
        if not isinstance(raw, dict) or not set(raw) <= {"time_cost", "memory_kib", "parallelism"}:
            raise InvalidInput("PASSWORD_HASH_CONFIG_INVALID", f"{where} 只能设置 time_cost、memory_kib、parallelism。")
        try:
            cost = PasswordCost(
                int(raw.get("time_cost", DEFAULT_COST.time_cost)),
                int(raw.get("memory_kib", DEFAULT_COST.memory_kib)),
                int(raw.get("parallelism", DEFAULT_COST.parallelism)),
            )
        except (TypeError, ValueError):
            raise InvalidInput("PASSWORD_HASH_CONFIG_INVALID", f"{where} 的值应为整数。") from None
        problems = cost.problems()
        if problems:
            raise InvalidInput("PASSWORD_HASH_CONFIG_INVALID", f"{where} 的参数超出范围：{'；'.join(problems)}。")
        return cost

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


def _office_error(where: Path, exc: InvalidInput) -> InvalidInput:
    message = exc.message if str(where) in exc.message else f"{where}：{exc.message}"
    return InvalidInput("OFFICE_PROFILE_INVALID", message, path=str(where))


def load_offices(raw: dict[str, Any], base: Path, config: Path) -> tuple[tuple[OfficeProfile, ...], str]:
    """The configured offices and the default one's code; any fault is one Chinese line naming the file."""
    offices = raw.get("offices")
    if offices is None:
        legacy = raw.get("office")
        if not isinstance(legacy, dict) or not legacy.get("name"):
            return (), ""
        try:
            profile = profile_from_mapping({"code": "default", **legacy})
        except InvalidInput as exc:
            raise _office_error(config, exc) from None
        return (profile,), profile.code
    if not isinstance(offices, dict):
        raise InvalidInput("OFFICE_PROFILE_INVALID", f"{config}：[offices] 应为键值表。", path=str(config))
    paths = offices.get("profiles", [])
    if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
        raise InvalidInput(
            "OFFICE_PROFILE_INVALID",
            f"{config}：[offices] profiles 应列出至少一个机关配置文件，例如 [\"profiles/demo-safety-office.toml\"]。",
            path=str(config),
        )
    profiles: list[OfficeProfile] = []
    for value in paths:
        where = Path(value) if Path(value).is_absolute() else base / value
        try:
            profiles.append(load_profile_file(where))
        except InvalidInput as exc:
            raise _office_error(where, exc) from None
    codes = [p.code for p in profiles]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise InvalidInput(
            "OFFICE_PROFILE_INVALID", f"{config}：机关代码重复：{'、'.join(twice)}。", path=str(config)
        )
    default = str(offices.get("default") or codes[0])
    if default not in codes:
        raise InvalidInput(
            "OFFICE_PROFILE_INVALID",
            f"{config}：[offices] default “{default}”不是已配置的机关（{'、'.join(codes)}）。",
            path=str(config),
        )
    return tuple(profiles), default


def load_settings(path: str | Path | None = None) -> Settings:
    chosen = Path(path or os.environ.get("CONSULTFLOW_CONFIG") or DEFAULT_CONFIG)
    if not chosen.exists():
        raise InvalidInput("CONFIG_NOT_FOUND", f"找不到配置文件 {chosen}。", path=str(chosen))
    try:
        raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput("CONFIG_INVALID", f"配置文件 {chosen} 格式错误：{exc}") from None
    db = raw.get("database", {})
    server = raw.get("server", {})
    logging = raw.get("logging", {})
    url = os.environ.get("CONSULTFLOW_DATABASE_URL") or db.get("url") or "sqlite:///var/consultflow.db"
    host = str(server.get("host", "127.0.0.1"))
    port = int(server.get("port", 8000))
    profiles, default = load_offices(raw, chosen.resolve().parent, chosen)
    return Settings(
        path=chosen.resolve(),
        database_url=_resolve_sqlite(url, chosen.resolve().parent),
        base_url=str(server.get("base_url", f"http://{host}:{port}")).rstrip("/"),
        host=host,
        port=port,
        log_format=os.environ.get("CONSULTFLOW_LOG_FORMAT") or str(logging.get("format", "console")),
        log_level=str(logging.get("level", "INFO")),
        raw=raw,
        profiles=profiles,
        default_office=default,
    )
