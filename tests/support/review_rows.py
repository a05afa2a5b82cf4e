"""A closed round under legality review, as plain rows: for tests of the reviewer's queue, where the
repository and the pages are what is tested, not the services that would get a round there."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from storage import models as m

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def closed_round(
    session: Session,
    office_id: int,
    title: str,
    doc_number: str,
    *,
    draft_office: bool = True,
    issued: str | None = None,
) -> int:
    """A draft under review and its closed round, flushed; the round's id. ``draft_office=False`` leaves the
    draft without an office (a scope then does not see it)."""
    draft = m.Draft(
        office_id=office_id if draft_office else None,
        title=title,
        issuer="测试",
        state="legality_review",
        issued_doc_number=issued,
        created_at=T0,
    )
    session.add(draft)
    session.flush()
    rnd = m.Round(
        draft_id=draft.id or 0,
        version=1,
        office_id=office_id,
        doc_number=doc_number,
        doc_year=2026,
        letter_date=date(2026, 1, 1),
        deadline=T0,
        state="closed",
        created_at=T0,
    )
    session.add(rnd)
    session.flush()
    return rnd.id or 0
