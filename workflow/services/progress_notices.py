"""Progress-round notices in the outbox, written in the transaction that causes them.

The request (with the unit's link), the reminder before the due time and the 未报送 notice. The
outbox row names the unit and the request; the relay renders the Chinese template at send time.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from states.progress_round import ProgressRequestState
from storage.uow import UnitOfWork
from workflow.services.messages import message_key, outbox_row

PROGRESS_KINDS = ("progress_request", "progress_reminder", "progress_not_reported")
LINKED_KINDS = frozenset({"progress_request", "progress_reminder"})  # these carry the unit's link


def queue_progress(
    uow: UnitOfWork,
    round_id: int,
    kind: str,
    now: datetime,
    *,
    pending_only: bool = False,
    only: Collection[int] | None = None,
    key_suffix: str = "",
) -> int:
    """``kind`` to every unit asked in the progress round (or those still silent, or ``only`` these requests).
    ``key_suffix`` makes a deliberate re-send (a new link after a revoked one) a new message, not a duplicate."""
    if uow.importing:
        return 0
    requests = uow.tracking.requests(round_id)
    if pending_only:
        requests = [r for r in requests if r.state == ProgressRequestState.pending]
    if only is not None:
        requests = [r for r in requests if r.id in only]
    if kind in LINKED_KINDS:  # a revoked link is not sent again until staff reissue it
        requests = [r for r in requests if r.link_revoked_at is None]
    units = uow.directory.units_by_ids(sorted({r.unit_id for r in requests}))
    rows: list[dict[str, Any]] = []
    for request in requests:
        unit = units.get(request.unit_id)
        addresses = [a for a in ((unit.email, unit.webhook) if unit else ()) if a] or [""]
        context = {"progress_round_id": round_id, "progress_request_id": request.id, "unit_id": request.unit_id}
        for address in addresses:
            key = message_key(kind, "p", round_id, request.id, address or "none", *([key_suffix] if key_suffix else []))
            rows.append(
                outbox_row(
                    kind,
                    key,
                    now,
                    round_id=None,
                    recipient_id=None,
                    unit_id=request.unit_id,
                    address=address,
                    context=context,
                )
            )
    return uow.outbox.enqueue(rows)
