"""``consultflow public purge``: names and contacts kept past the office's retention are erased.

个人信息保护法 第十九条: personal information is kept no longer than its purpose needs. The purpose (asking
the commenter about the comment) ends with the consultation, so a contact is kept for the office's
``contact_retention_days`` after the round's deadline (or after it was given, if later), then its fields
are blanked and the time recorded. One audit event per round says how many, never whose.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.ids import ref
from storage.uow import UnitOfWork
from workflow.services._common import record


def purge_contacts(
    uow: UnitOfWork, clock: Clock, actor: Actor, retention_days: Callable[[int], int]
) -> dict[str, object]:
    """Erase every contact past retention (``retention_days(office_id)``); commits. ``{"purged", "rounds"}``."""
    now = clock.now()
    due: dict[int, list[int]] = {}
    days_of: dict[int, int] = {}
    for contact, _comment, rnd, consultation in uow.public.contacts_held():
        days = days_of.setdefault(consultation.office_id, retention_days(consultation.office_id))
        if now >= max(rnd.deadline, contact.created_at) + timedelta(days=days):
            due.setdefault(rnd.id or 0, []).append(contact.id or 0)
    purged = 0
    for round_id, ids in due.items():
        n = uow.public.purge_contacts(ids, now)
        purged += n
        record(uow, actor, now, "public.contacts_purged", ref("round", round_id), round_id=round_id, purged=n)
    uow.commit()
    return {"purged": purged, "rounds": sorted(due)}
