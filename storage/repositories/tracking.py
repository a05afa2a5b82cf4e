"""Tracked items, their units and the office's unit mappings; monthly progress rounds, requests,
reports and evidence. The progress deadline is enforced set-wise, like the solicitation deadline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from states.progress_round import ProgressRoundState
from states.tracked_item import TrackedItemState
from storage import models as m
from storage.bulk import execute_many, placeholder
from storage.repositories._rows import get

if TYPE_CHECKING:
    from storage.models import (
        ItemEvidence,
        ItemUnit,
        MeasureTable,
        ProgressReport,
        ProgressRequest,
        ProgressRound,
        TrackedItem,
        Unit,
        UnitMapping,
    )


class TrackingRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        row: MeasureTable
        | TrackedItem
        | ItemUnit
        | UnitMapping
        | ProgressRound
        | ProgressRequest
        | ProgressReport
        | ItemEvidence,
    ) -> None:
        self.session.add(row)
        self.session.flush()

    # -- tables and items ---------------------------------------------------------------------
    def table(self, table_id: int) -> MeasureTable | None:
        return get(self.session, m.MeasureTable, table_id)

    def tables(self, office_id: int) -> list[MeasureTable]:
        stmt = select(m.MeasureTable).where(m.MeasureTable.office_id == office_id).order_by(m.MeasureTable.id)  # type: ignore[arg-type]
        return list(self.session.exec(stmt).all())

    def table_for_draft(self, draft_id: int) -> MeasureTable | None:
        return self.session.exec(select(m.MeasureTable).where(m.MeasureTable.draft_id == draft_id)).first()

    def item(self, item_id: int, *, for_update: bool = False) -> TrackedItem | None:
        stmt = select(m.TrackedItem).where(m.TrackedItem.id == item_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.exec(stmt).first()

    def items(self, office_id: int, table_id: int | None = None) -> list[TrackedItem]:
        stmt = (
            select(m.TrackedItem)
            .join(m.MeasureTable, m.MeasureTable.id == m.TrackedItem.table_id)  # type: ignore[arg-type]
            .where(m.MeasureTable.office_id == office_id)
        )
        if table_id is not None:
            stmt = stmt.where(m.TrackedItem.table_id == table_id)
        return list(self.session.exec(stmt.order_by(m.TrackedItem.table_id, m.TrackedItem.seq)).all())  # type: ignore[arg-type]

    def items_by_ids(self, item_ids: Sequence[int]) -> dict[int, TrackedItem]:
        if not item_ids:
            return {}
        rows = self.session.exec(select(m.TrackedItem).where(m.TrackedItem.id.in_(list(item_ids)))).all()  # type: ignore[union-attr]
        return {r.id or 0: r for r in rows}

    def units_of(self, item_ids: Sequence[int]) -> dict[int, list[tuple[ItemUnit, Unit]]]:
        """Each item's responsible units with their role, leads first."""
        out: dict[int, list[tuple[ItemUnit, Unit]]] = {i: [] for i in item_ids}
        if not item_ids:
            return out
        rows = self.session.exec(
            select(m.ItemUnit, m.Unit)
            .join(m.Unit, m.Unit.id == m.ItemUnit.unit_id)  # type: ignore[arg-type]
            .where(m.ItemUnit.item_id.in_(list(item_ids)))  # type: ignore[attr-defined]
            .order_by(m.ItemUnit.item_id, m.ItemUnit.role, m.ItemUnit.id)  # type: ignore[arg-type]
        ).all()
        for link, unit in rows:
            out.setdefault(link.item_id, []).append((link, unit))
        return out

    def add_items(self, items: Sequence[TrackedItem]) -> None:
        """Stage new items and flush once (one batched INSERT), so their ids are known now."""
        self.session.add_all(items)
        self.session.flush()

    def add_units(self, links: Sequence[tuple[int, int, str]]) -> None:
        """Link items to their responsible units: (item_id, unit_id, role) rows, one plain ``executemany``
        (an issued draft's tasks name hundreds; building each as a model object cost more than storing it)."""
        if links:
            mark = placeholder(self.session)
            execute_many(
                self.session,
                f"INSERT INTO {m.ItemUnit.__tablename__} (item_id, unit_id, role) VALUES ({mark}, {mark}, {mark})",
                list(links),
            )

    def set_units(self, item_id: int, units: Sequence[tuple[int, str]]) -> None:
        """Replace an item's units with (unit_id, role) pairs."""
        for old in self.session.exec(select(m.ItemUnit).where(m.ItemUnit.item_id == item_id)).all():
            self.session.delete(old)
        self.session.flush()
        self.add_units([(item_id, unit_id, role) for unit_id, role in units])

    def unresolved_items(self, office_id: int) -> list[TrackedItem]:
        return [i for i in self.items(office_id) if json.loads(i.unresolved or "[]")]

    # -- unit mappings ------------------------------------------------------------------------
    def mappings(self, office_id: int) -> dict[str, list[int]]:
        rows = self.session.exec(select(m.UnitMapping).where(m.UnitMapping.office_id == office_id)).all()
        out: dict[str, list[int]] = {}
        for row in rows:
            out.setdefault(row.text, []).append(row.unit_id)
        return out

    def has_mapping(self, office_id: int, text: str, unit_id: int) -> bool:
        stmt = select(m.UnitMapping).where(
            m.UnitMapping.office_id == office_id, m.UnitMapping.text == text, m.UnitMapping.unit_id == unit_id
        )
        return self.session.exec(stmt).first() is not None

    # -- progress rounds ----------------------------------------------------------------------
    def round(self, round_id: int, *, for_update: bool = False) -> ProgressRound | None:
        stmt = select(m.ProgressRound).where(m.ProgressRound.id == round_id)
        if for_update:
            stmt = stmt.with_for_update(key_share=True)
        return self.session.exec(stmt).first()

    def add_round(self, row: ProgressRound) -> bool:
        """Insert a month's round; False when the office already has one for that month. The unique
        constraint on (office_id, month) decides, not an earlier read: on PostgreSQL a second inserter waits
        for the first to commit and then fails here (a savepoint keeps its transaction usable)."""
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError:
            return False
        return True

    def has_open_items(self, office_id: int) -> bool:
        """Whether any tracked item of the office is not yet signed off (销号)."""
        stmt = (
            select(m.TrackedItem.id)
            .join(m.MeasureTable, m.MeasureTable.id == m.TrackedItem.table_id)  # type: ignore[arg-type]
            .where(m.MeasureTable.office_id == office_id, m.TrackedItem.state != TrackedItemState.closed)
            .limit(1)
        )
        return self.session.exec(stmt).first() is not None

    def round_by_month(self, office_id: int, month: str) -> ProgressRound | None:
        stmt = select(m.ProgressRound).where(m.ProgressRound.office_id == office_id, m.ProgressRound.month == month)
        return self.session.exec(stmt).first()

    def rounds(self, office_id: int) -> list[ProgressRound]:
        stmt = select(m.ProgressRound).where(m.ProgressRound.office_id == office_id).order_by(m.ProgressRound.month)  # type: ignore[arg-type]
        return list(self.session.exec(stmt).all())

    def open_rounds(self) -> list[ProgressRound]:
        return list(
            self.session.exec(select(m.ProgressRound).where(m.ProgressRound.state == ProgressRoundState.open)).all()
        )

    def requests(self, round_id: int) -> list[ProgressRequest]:
        stmt = select(m.ProgressRequest).where(m.ProgressRequest.round_id == round_id).order_by(m.ProgressRequest.id)  # type: ignore[arg-type]
        return list(self.session.exec(stmt).all())

    def request(self, request_id: int, *, for_update: bool = False) -> ProgressRequest | None:
        stmt = select(m.ProgressRequest).where(m.ProgressRequest.id == request_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.exec(stmt).first()

    def request_by_hash(self, token_hash: str) -> ProgressRequest | None:
        if not token_hash:
            return None
        return self.session.exec(select(m.ProgressRequest).where(m.ProgressRequest.token_hash == token_hash)).first()

    def request_for(self, round_id: int, unit_id: int) -> ProgressRequest | None:
        stmt = select(m.ProgressRequest).where(
            m.ProgressRequest.round_id == round_id, m.ProgressRequest.unit_id == unit_id
        )
        return self.session.exec(stmt).first()

    def reports(self, round_id: int) -> list[ProgressReport]:
        stmt = select(m.ProgressReport).where(m.ProgressReport.round_id == round_id).order_by(m.ProgressReport.id)  # type: ignore[arg-type]
        return list(self.session.exec(stmt).all())

    def report(self, request_id: int, item_id: int) -> ProgressReport | None:
        stmt = select(m.ProgressReport).where(
            m.ProgressReport.request_id == request_id, m.ProgressReport.item_id == item_id
        )
        return self.session.exec(stmt).first()

    def evidence(self, item_id: int) -> list[ItemEvidence]:
        stmt = select(m.ItemEvidence).where(m.ItemEvidence.item_id == item_id).order_by(m.ItemEvidence.id)  # type: ignore[arg-type]
        return list(self.session.exec(stmt).all())

    def evidence_file(self, evidence_id: int) -> ItemEvidence | None:
        return get(self.session, m.ItemEvidence, evidence_id)

    # -- the progress deadline, set-wise --------------------------------------------------------
    def claim_due_rounds(self, now: datetime, limit: int) -> list[int]:
        """Open progress rounds past their due time, locked (``SKIP LOCKED``: sweepers share the work)."""
        stmt = (
            select(m.ProgressRound.id)
            .where(m.ProgressRound.state == ProgressRoundState.open, m.ProgressRound.due <= now)
            .order_by(m.ProgressRound.due, m.ProgressRound.id)  # type: ignore[arg-type]
            .limit(limit)
            .with_for_update(skip_locked=True, key_share=True)
        )
        return [int(i) for i in self.session.exec(stmt).all() if i is not None]

    def close_due_rounds(self, round_ids: Sequence[int], now: datetime, source: str, dest: str) -> list[int]:
        """Rounds still in ``source`` and due move to ``dest``; a second sweeper gets nothing."""
        if not round_ids:
            return []
        result = self.session.execute(
            update(m.ProgressRound)
            .where(m.ProgressRound.id.in_(list(round_ids)), m.ProgressRound.state == source, m.ProgressRound.due <= now)  # type: ignore[union-attr]
            .values(state=dest, enforced_at=now)
            .returning(m.ProgressRound.id)
        )
        return [int(r[0]) for r in result.all()]

    def mark_silent(
        self, round_ids: Sequence[int], now: datetime, source: str, dest: str
    ) -> list[tuple[int, int, int]]:
        """Requests still ``source`` in these rounds become ``dest``; (request_id, round_id, unit_id)."""
        if not round_ids:
            return []
        result = self.session.execute(
            update(m.ProgressRequest)
            .where(m.ProgressRequest.round_id.in_(list(round_ids)), m.ProgressRequest.state == source)  # type: ignore[attr-defined]
            .values(state=dest, not_reported_at=now)
            .returning(m.ProgressRequest.id, m.ProgressRequest.round_id, m.ProgressRequest.unit_id)
        )
        return [(int(r[0]), int(r[1]), int(r[2])) for r in result.all()]
