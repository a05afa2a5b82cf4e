"""The records of the process the law asks for: departures with their reasons, 审查意见书, collective
deliberations, the signed final document, publication and filing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from storage import models as m
from storage.repositories._rows import get

if TYPE_CHECKING:
    from storage.models import Deliberation, Departure, Filing, Publication, ReviewDocument, Round, SignedDocument

    ProcessRow = Departure | ReviewDocument | Deliberation | Publication | Filing | SignedDocument


class ProcessRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: ProcessRow) -> None:
        self.session.add(row)
        self.session.flush()

    def departures(self, round_id: int) -> Sequence[Departure]:
        return self.session.exec(
            select(m.Departure).where(m.Departure.round_id == round_id).order_by(m.Departure.id)  # type: ignore[arg-type]
        ).all()

    def review_documents(self, review_ids: Sequence[int]) -> Sequence[ReviewDocument]:
        if not review_ids:
            return []
        return self.session.exec(
            select(m.ReviewDocument)
            .where(m.ReviewDocument.review_id.in_(list(review_ids)))  # type: ignore[attr-defined]
            .order_by(m.ReviewDocument.id)  # type: ignore[arg-type]
        ).all()

    def deliberations(self, round_id: int) -> Sequence[Deliberation]:
        return self.session.exec(
            select(m.Deliberation).where(m.Deliberation.round_id == round_id).order_by(m.Deliberation.id)  # type: ignore[arg-type]
        ).all()

    def signed_documents(self, round_id: int) -> Sequence[SignedDocument]:
        """The signed final documents uploaded for a round, newest first; their bytes are read only when
        used (a download, the archive), not for every page or JSON answer that lists them."""
        return self.session.exec(
            select(m.SignedDocument)
            .options(defer(m.SignedDocument.data))
            .where(m.SignedDocument.round_id == round_id)
            .order_by(m.SignedDocument.id.desc())  # type: ignore[union-attr]
        ).all()

    def signed_document(self, document_id: int) -> SignedDocument | None:
        return get(self.session, m.SignedDocument, document_id)

    def publication(self, round_id: int) -> Publication | None:
        return self.session.exec(select(m.Publication).where(m.Publication.round_id == round_id)).first()

    def filing(self, round_id: int) -> Filing | None:
        return self.session.exec(select(m.Filing).where(m.Filing.round_id == round_id)).first()

    def filings_due(self, on_or_before: date) -> Sequence[tuple[Publication, Round]]:
        """Publications not yet filed whose filing deadline is on or before ``on_or_before``."""
        due = m.Publication.filing_due
        return self.session.exec(
            select(m.Publication, m.Round)
            .join(m.Round, m.Round.id == m.Publication.round_id)  # type: ignore[arg-type]
            .outerjoin(m.Filing, m.Filing.round_id == m.Publication.round_id)  # type: ignore[arg-type]
            .where(m.Filing.id.is_(None), due.is_not(None), due <= on_or_before)  # type: ignore[union-attr,operator]
            .order_by(due)  # type: ignore[arg-type]
        ).all()
