"""Offices and their unit directories (each office has its own)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from storage import models as m
from storage.repositories._rows import get
from storage.views import UnitRow

if TYPE_CHECKING:
    from storage.models import Office, Unit


class DirectoryRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def office_by_name(self, name: str) -> Office | None:
        return self.session.exec(select(m.Office).where(m.Office.name == name)).first()

    def office_by_code(self, code: str) -> Office | None:
        return self.session.exec(select(m.Office).where(m.Office.code == code)).first()

    def office(self, office_id: int) -> Office | None:
        return get(self.session, m.Office, office_id)

    def offices(self) -> list[Office]:
        return list(self.session.exec(select(m.Office).order_by(m.Office.id)).all())  # type: ignore[arg-type]

    def first_office(self) -> Office | None:
        return self.session.exec(select(m.Office).order_by(m.Office.id)).first()  # type: ignore[arg-type]

    def offices_by_ids(self, ids: Sequence[int]) -> dict[int, Office]:
        if not ids:
            return {}
        stmt = select(m.Office).where(m.Office.id.in_(list(ids))).order_by(m.Office.id)  # type: ignore[union-attr,arg-type]
        rows = self.session.exec(stmt).all()  # in id order: a table's physical order is no order
        return {o.id: o for o in rows if o.id is not None}

    def offices_reviewed_by(self, reviewer_unit: str) -> list[int]:
        """The offices whose legality review the unit ``reviewer_unit`` does (a reviewer account's queue)."""
        if not reviewer_unit:
            return []
        stmt = select(m.Office.id).where(m.Office.reviewer_unit == reviewer_unit).order_by(m.Office.id)  # type: ignore[arg-type]
        return [int(i) for i in self.session.exec(stmt).all() if i is not None]

    def add(self, row: Office | Unit) -> None:
        self.session.add(row)
        self.session.flush()

    def units(self, office_id: int | None = None, *, active_only: bool = True) -> Sequence[Unit]:
        """One office's directory (every visible office's for ``None``), in the order it was imported."""
        stmt = select(m.Unit).order_by(m.Unit.id)  # type: ignore[arg-type]
        if office_id is not None:
            stmt = stmt.where(m.Unit.office_id == office_id)
        if active_only:
            stmt = stmt.where(m.Unit.active == True)  # noqa: E712
        return self.session.exec(stmt).all()

    def unit_rows(self, office_id: int, *, active_only: bool = True) -> list[UnitRow]:
        """``units`` as plain read-only rows: resolving names compares every name with every unit, and an
        ORM attribute costs several times a plain one."""
        stmt = select(*[getattr(m.Unit, f.name) for f in fields(UnitRow)]).where(m.Unit.office_id == office_id)
        if active_only:
            stmt = stmt.where(m.Unit.active == True)  # noqa: E712
        return [UnitRow.from_db(row) for row in self.session.execute(stmt.order_by(m.Unit.id))]

    def unit(self, unit_id: int) -> Unit | None:
        return get(self.session, m.Unit, unit_id)

    def unit_by_name(self, office_id: int, name: str) -> Unit | None:
        return self.session.exec(select(m.Unit).where(m.Unit.office_id == office_id, m.Unit.name == name)).first()

    def units_by_ids(self, ids: Sequence[int]) -> dict[int, Unit]:
        if not ids:
            return {}
        rows = self.session.exec(select(m.Unit).where(m.Unit.id.in_(ids))).all()  # type: ignore[union-attr]
        return {u.id: u for u in rows if u.id is not None}
