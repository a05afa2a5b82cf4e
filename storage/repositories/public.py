"""Public consultations, their comments, groups and the contacts kept apart (issue 16)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, update
from sqlmodel import Session, select

from states.public_comment import ModerationState
from states.round import RoundState
from storage import models as m

if TYPE_CHECKING:
    from storage.models import Draft, PublicComment, PublicCommentGroup, PublicConsultation, PublicContact, Round


class PublicRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: PublicConsultation | PublicComment | PublicCommentGroup | PublicContact) -> None:
        self.session.add(row)
        self.session.flush()

    # -- consultations --------------------------------------------------------------------
    def consultation(self, consultation_id: int, *, for_update: bool = False) -> PublicConsultation | None:
        stmt = select(m.PublicConsultation).where(m.PublicConsultation.id == consultation_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.exec(stmt).first()

    def consultation_for_round(self, round_id: int) -> PublicConsultation | None:
        return self.session.exec(select(m.PublicConsultation).where(m.PublicConsultation.round_id == round_id)).first()

    def listed(self, *, open_only: bool) -> list[tuple[PublicConsultation, Round, Draft]]:
        """Every consultation of every office with its round and draft, newest first (open ones only if asked)."""
        stmt = (
            select(m.PublicConsultation, m.Round, m.Draft)
            .join(m.Round, m.Round.id == m.PublicConsultation.round_id)  # type: ignore[arg-type]
            .join(m.Draft, m.Draft.id == m.Round.draft_id)  # type: ignore[arg-type]
            .order_by(m.Round.deadline, m.PublicConsultation.id)  # type: ignore[arg-type]
        )
        if open_only:
            stmt = stmt.where(m.Round.state == RoundState.open)
        return [(c, r, d) for c, r, d in self.session.exec(stmt).all()]

    # -- comments -------------------------------------------------------------------------
    def comment(self, comment_id: int, *, for_update: bool = False) -> PublicComment | None:
        stmt = select(m.PublicComment).where(m.PublicComment.id == comment_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.exec(stmt).first()

    def by_receipt(self, receipt: str) -> PublicComment | None:
        return self.session.exec(select(m.PublicComment).where(m.PublicComment.receipt == receipt)).first()

    def comments(self, round_id: int, *, states: Sequence[str] | None = None) -> list[PublicComment]:
        stmt = select(m.PublicComment).where(m.PublicComment.round_id == round_id)
        if states is not None:
            stmt = stmt.where(m.PublicComment.state.in_(list(states)))  # type: ignore[attr-defined]
        return list(self.session.exec(stmt.order_by(m.PublicComment.id)).all())  # type: ignore[arg-type]

    def repeat_of(self, round_id: int, client_hash: str, text_hash: str) -> PublicComment | None:
        """The same text from the same client in this round (a resubmission to fold), if any."""
        return self.session.exec(
            select(m.PublicComment).where(
                m.PublicComment.round_id == round_id,
                m.PublicComment.text_hash == text_hash,
                m.PublicComment.client_hash == client_hash,
            )
        ).first()

    def count_by_round(self, round_ids: Sequence[int]) -> dict[int, int]:
        if not round_ids:
            return {}
        rows = self.session.exec(
            select(m.PublicComment.round_id, func.count(m.PublicComment.id))  # type: ignore[arg-type]
            .where(m.PublicComment.round_id.in_(list(round_ids)))  # type: ignore[attr-defined]
            .group_by(m.PublicComment.round_id)
        ).all()
        return {int(r): int(n) for r, n in rows}

    def ungrouped(self, round_id: int) -> list[PublicComment]:
        return list(
            self.session.exec(
                select(m.PublicComment)
                .where(m.PublicComment.round_id == round_id, m.PublicComment.group_id.is_(None))  # type: ignore[union-attr]
                .order_by(m.PublicComment.id)  # type: ignore[arg-type]
            ).all()
        )

    def set_group(self, comment_ids: Sequence[int], group_id: int) -> None:
        if comment_ids:
            self.session.execute(
                update(m.PublicComment).where(m.PublicComment.id.in_(list(comment_ids))).values(group_id=group_id)  # type: ignore[union-attr]
            )

    def members(self, group_id: int) -> list[PublicComment]:
        return list(
            self.session.exec(
                select(m.PublicComment).where(m.PublicComment.group_id == group_id).order_by(m.PublicComment.id)  # type: ignore[arg-type]
            ).all()
        )

    # -- groups ---------------------------------------------------------------------------
    def group(self, group_id: int, *, for_update: bool = False) -> PublicCommentGroup | None:
        stmt = select(m.PublicCommentGroup).where(m.PublicCommentGroup.id == group_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.exec(stmt).first()

    def groups(self, round_id: int) -> list[PublicCommentGroup]:
        return list(
            self.session.exec(
                select(m.PublicCommentGroup)
                .where(m.PublicCommentGroup.round_id == round_id)
                .order_by(m.PublicCommentGroup.id)  # type: ignore[arg-type]
            ).all()
        )

    # -- contacts (never published) -------------------------------------------------------
    def contact(self, comment_id: int) -> PublicContact | None:
        return self.session.exec(select(m.PublicContact).where(m.PublicContact.comment_id == comment_id)).first()

    def contacts(self, comment_ids: Sequence[int]) -> dict[int, PublicContact]:
        if not comment_ids:
            return {}
        rows = self.session.exec(
            select(m.PublicContact).where(m.PublicContact.comment_id.in_(list(comment_ids)))  # type: ignore[attr-defined]
        ).all()
        return {c.comment_id: c for c in rows}

    def contacts_held(self) -> list[tuple[PublicContact, PublicComment, Round, PublicConsultation]]:
        """Contacts not yet purged, with what decides their retention (the round's deadline, the office)."""
        rows = self.session.exec(
            select(m.PublicContact, m.PublicComment, m.Round, m.PublicConsultation)
            .join(m.PublicComment, m.PublicComment.id == m.PublicContact.comment_id)  # type: ignore[arg-type]
            .join(m.Round, m.Round.id == m.PublicComment.round_id)  # type: ignore[arg-type]
            .join(m.PublicConsultation, m.PublicConsultation.id == m.PublicComment.consultation_id)  # type: ignore[arg-type]
            .where(m.PublicContact.purged_at.is_(None))  # type: ignore[union-attr]
            .order_by(m.PublicContact.id)  # type: ignore[arg-type]
        ).all()
        return [(a, b, c, d) for a, b, c, d in rows]

    def purge_contacts(self, contact_ids: Sequence[int], at: datetime) -> int:
        if not contact_ids:
            return 0
        result = self.session.execute(
            update(m.PublicContact)
            .where(m.PublicContact.id.in_(list(contact_ids)), m.PublicContact.purged_at.is_(None))  # type: ignore[union-attr]
            .values(name="", contact="", purged_at=at)
        )
        return int(result.rowcount or 0)

    def undecided_tallies(self) -> dict[int, int]:
        """Per round: groups still to decide (holding a comment that is not hidden) plus comments not yet
        grouped, in two grouped queries for the dashboard."""
        active = m.PublicComment.state != ModerationState.hidden
        groups = self.session.exec(
            select(m.PublicCommentGroup.round_id, func.count(func.distinct(m.PublicCommentGroup.id)))  # type: ignore[arg-type]
            .join(m.PublicComment, m.PublicComment.group_id == m.PublicCommentGroup.id)  # type: ignore[arg-type]
            .where(m.PublicCommentGroup.outcome.is_(None), active)  # type: ignore[union-attr]
            .group_by(m.PublicCommentGroup.round_id)
        ).all()
        loose = self.session.exec(
            select(m.PublicComment.round_id, func.count(m.PublicComment.id))  # type: ignore[arg-type]
            .where(m.PublicComment.group_id.is_(None), active)  # type: ignore[union-attr]
            .group_by(m.PublicComment.round_id)
        ).all()
        out: dict[int, int] = {}
        for rid, n in [*groups, *loose]:
            out[int(rid)] = out.get(int(rid), 0) + int(n)
        return out

    def unmoderated(self, round_id: int) -> int:
        return int(
            self.session.exec(
                select(func.count(m.PublicComment.id)).where(  # type: ignore[arg-type]
                    m.PublicComment.round_id == round_id, m.PublicComment.state == ModerationState.pending
                )
            ).one()
        )
