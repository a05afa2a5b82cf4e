"""How costly a password hash is: Argon2id's parameters, one setting for the whole process.

Why a setting: the cost is a trade between an attacker holding a stolen table and the server's own
sign-ins; an office on a small VM may lower it, a larger one raise it (``[security.password_hash]``).
Hashes made with other parameters keep verifying, and are remade with these at the next sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PasswordCost:
    """Argon2id parameters. The default is RFC 9106 §4's second recommended option (t=3, p=4, 64 MiB),
    also argon2-cffi's default."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    def problems(self) -> list[str]:
        """What is out of Argon2's bounds (RFC 9106 §3.1: at least one pass and lane, 8 KiB per lane)."""
        found = []
        if self.time_cost < 1:
            found.append("time_cost 至少为 1")
        if not 1 <= self.parallelism <= 255:
            found.append("parallelism 应在 1 到 255 之间")
        if self.memory_kib < 8 * max(self.parallelism, 1):
            found.append("memory_kib 至少为 parallelism 的 8 倍")
        return found


DEFAULT_COST = PasswordCost()
_current: list[PasswordCost] = [DEFAULT_COST]


def use_cost(cost: PasswordCost) -> None:
    """Hash new passwords with ``cost`` from now on (the web app and the CLI call it with the settings')."""
    _current[0] = cost


def current_cost() -> PasswordCost:
    return _current[0]
