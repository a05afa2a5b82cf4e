"""Read-only views that combine rows for readers (reports, pages, messages)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import Recipient, Unit


@dataclass(frozen=True)
class UnitView:
    """A unit as one round knows it: the name and category it had when asked, today's addresses.

    Immutable and detached, so a reader can never write it back by accident.
    """

    id: int | None
    name: str
    category: str
    aliases: str
    contact: str
    phone: str
    email: str
    webhook: str
    active: bool

    @classmethod
    def of(cls, unit: Unit, recipient: Recipient | None = None) -> UnitView:
        name = (recipient.unit_name if recipient else "") or unit.name
        category = (recipient.unit_category if recipient else "") or unit.category
        return cls(
            unit.id, name, category, unit.aliases, unit.contact, unit.phone, unit.email, unit.webhook, unit.active
        )
