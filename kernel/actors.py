"""Who acts: every audit event names a person (or the system) and their role."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    staff = "staff"
    reviewer = "reviewer"
    admin = "admin"
    unit = "unit"
    public = "public"  # a member of the public commenting without an account
    system = "system"


@dataclass(frozen=True)
class Actor:
    name: str
    role: Role

    @classmethod
    def system(cls) -> Actor:
        return cls("系统", Role.system)


SYSTEM = Actor.system()
