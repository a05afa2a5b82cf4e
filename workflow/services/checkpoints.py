"""Signed audit checkpoints: the key, the publisher, and proving a database against checkpoints.

A checkpoint (storage.checkpoints) is the chain head signed with a key the database does not hold. This
module loads that key from the configured file, and checks checkpoints against a database: the signature
is the office's, the database still holds the event at that sequence number with exactly that hash, and
the chain up to it (and after it) recomputes. Each problem is named with a code and a Chinese message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kernel.errors import DomainError, InvalidInput, NotFound
from kernel.timefmt import iso_beijing
from storage.checkpoints import Checkpoint, Publisher, read_checkpoints
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.services.audit import Verdict, explain

if TYPE_CHECKING:
    from storage.signing import SigningKey, VerifyingKey


def signing_key(settings: Settings) -> SigningKey:
    """The configured key, or a clear error saying how to create one."""
    path = settings.audit_signing_key
    if not path.exists():
        raise NotFound(
            "AUDIT_KEY_MISSING",
            f"审计签名密钥文件 {path} 不存在，请先执行 consultflow init 生成"
            "（或在 config.toml [audit] signing_key 指定）。",
            path=str(path),
        )
    # Loaded here, not at import: every CLI command imports this module, few of them sign anything.
    from storage.signing import SigningKey

    try:
        return SigningKey.load(path)
    except (ValueError, TypeError, OSError) as exc:
        raise InvalidInput("AUDIT_KEY_INVALID", f"审计签名密钥文件 {path} 无法读取：{exc}", path=str(path)) from None


def ensure_signing_key(settings: Settings) -> tuple[SigningKey, bool]:
    """Load the key, creating it (mode 0600) if the file does not exist yet; (key, created)."""
    path = settings.audit_signing_key
    if path.exists():
        return signing_key(settings), False
    # Loaded here, not at import: see signing_key().
    from storage.signing import SigningKey

    return SigningKey.create(path), True


def load_publisher(settings: Settings) -> Publisher | None:
    """The publisher entry points install on their engine; None (nothing signed) without a key file."""
    if not settings.audit_signing_key.exists():
        return None
    return Publisher(lambda: signing_key(settings), settings.audit_checkpoint_file, settings.audit_checkpoint_every)


def verifying_key(settings: Settings, public_key: Path | None = None) -> VerifyingKey:
    """The public key checkpoints are checked with: a PEM file the reviewer was given, else the office's key."""
    if public_key is None:
        return signing_key(settings)
    # Loaded here, not at import: see signing_key().
    from storage.signing import VerifyingKey

    try:
        return VerifyingKey.from_pem(public_key.read_bytes())
    except (ValueError, TypeError, OSError) as exc:
        raise InvalidInput("AUDIT_PUBLIC_KEY_INVALID", f"公钥文件 {public_key} 无法读取：{exc}") from None


def parse_checkpoints(text: str, source: str = "") -> list[Checkpoint]:
    try:
        return read_checkpoints(text)
    except ValueError as exc:
        raise InvalidInput(
            "AUDIT_CHECKPOINT_MALFORMED",
            f"检查点文件 {source} 格式错误（{exc}）：应为 consultflow audit checkpoint 写出的 JSON。",
        ) from None


@dataclass(frozen=True)
class CheckpointReport:
    ok: bool
    checked_events: int
    checkpoints: int
    latest: Checkpoint | None = None
    findings: list[DomainError] = field(default_factory=list)


def verify_against(
    uow: UnitOfWork, checkpoints: list[Checkpoint], key: VerifyingKey, chain: Verdict | None = None
) -> CheckpointReport:
    """Prove the database against checkpoints (see the module docstring); every problem is listed.
    ``chain``: the chain's verdict when the caller has just checked it (the reviewer's page), else it is
    verified here in full."""
    if not checkpoints:
        raise InvalidInput("AUDIT_CHECKPOINT_MALFORMED", "检查点文件中没有检查点。")
    findings: list[DomainError] = []
    chain = chain or explain(uow.audit.verify())
    if not chain.ok:
        findings.append(DomainError("AUDIT_CHAIN_BROKEN", chain.problem, seq=chain.first_bad_seq))
    for cp in sorted(checkpoints, key=lambda c: c.seq):
        label = f"检查点（序号 {cp.seq}，哈希 {cp.hash[:12]}…）"
        if cp.key_id != key.key_id:
            findings.append(
                DomainError(
                    "AUDIT_CHECKPOINT_KEY_UNKNOWN",
                    f"{label}由密钥 {cp.key_id} 签名，不是本机关的审计密钥（{key.key_id}）。",
                    seq=cp.seq,
                )
            )
            continue
        if not key.verify(cp):
            findings.append(
                DomainError(
                    "AUDIT_CHECKPOINT_SIGNATURE_INVALID", f"{label}的签名无效：检查点被改动或伪造。", seq=cp.seq
                )
            )
            continue
        event = uow.audit.event(cp.seq)
        if event is None:
            findings.append(
                DomainError(
                    "AUDIT_CHECKPOINT_MISSING",
                    f"数据库中已没有{label}对应的审计记录：审计记录被截断或删除。",
                    seq=cp.seq,
                )
            )
        elif event.hash != cp.hash:
            findings.append(
                DomainError(
                    "AUDIT_CHECKPOINT_MISMATCH",
                    f"数据库中序号 {cp.seq} 的审计记录哈希为 {event.hash[:12]}…，与已签名的{label}不符："
                    "该记录或它之前的记录被改写并重新计算了哈希链。",
                    seq=cp.seq,
                )
            )
    latest = max(checkpoints, key=lambda c: c.seq) if checkpoints else None
    return CheckpointReport(not findings, chain.checked, len(checkpoints), latest, findings)


def stored_checkpoints(settings: Settings) -> list[Checkpoint]:
    """The checkpoints published to the configured file (empty if none were written yet)."""
    path = settings.audit_checkpoint_file
    if not path.exists():
        return []
    return parse_checkpoints(path.read_text(encoding="utf-8"), str(path))


def verify_stored(uow: UnitOfWork, settings: Settings, chain: Verdict | None = None) -> CheckpointReport | None:
    """The database against every checkpoint published to the configured file; None if there is no
    key or nothing was published yet (nothing to prove against). ``chain``: see ``verify_against``."""
    if not settings.audit_signing_key.exists():
        return None
    checkpoints = stored_checkpoints(settings)
    if not checkpoints:
        return None
    return verify_against(uow, checkpoints, signing_key(settings), chain)


def verify_text(uow: UnitOfWork, settings: Settings, data: bytes, source: str) -> CheckpointReport:
    """An uploaded checkpoint file (JSON or JSON lines) checked with the office's key."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("AUDIT_CHECKPOINT_MALFORMED", f"检查点文件 {source} 不是 UTF-8 文本。") from None
    return verify_against(uow, parse_checkpoints(text, source), signing_key(settings))


def describe(cp: Checkpoint) -> dict[str, str]:
    """How documents print a checkpoint (Beijing time, abbreviated signature)."""
    return {
        "seq": str(cp.seq),
        "hash": cp.hash,
        "at": iso_beijing_text(cp.at),
        "key_id": cp.key_id,
        "signature": cp.signature,
        "short_signature": cp.short_signature,
    }


def iso_beijing_text(stamp: str) -> str:
    try:
        return iso_beijing(datetime.fromisoformat(stamp.replace("Z", "+00:00")))
    except ValueError:
        return stamp
