"""Which recipient a request names: one rule for every entry point that acts on a unit of a round."""

from __future__ import annotations

from kernel.errors import NotFound
from storage.models import Recipient
from storage.uow import UnitOfWork


def recipient_in_round(uow: UnitOfWork, round_id: int, recipient_id: int) -> Recipient:
    """The recipient, if it was asked in this round; a recipient of another round is refused as absent."""
    row = uow.rounds.recipient_by_id(recipient_id)
    if row is None or row.round_id != round_id:
        raise NotFound(
            "NOT_A_RECIPIENT", "该单位不是本轮的征求对象。", round_id=round_id, recipient_id=recipient_id
        )
    return row
