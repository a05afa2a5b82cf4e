"""Offices and the unit directory."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from storage.models import Office, Unit


class DirectoryRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def office_by_name(self, name: str) -> Office | None:
        return self.session.exec(select(Office).where(Office.name == name)).first()

    def configured_office(self, name: str) -> Office | None:
        """The office named in config.toml, or the only one there is (a database made by the demo)."""
        return self.office_by_name(name) or self.first_office()

    def office(self, office_id: int) -> Office | None:
        return self.session.get(Office, office_id)

    def offices(self) -> list[Office]:
        return list(self.session.exec(select(Office).order_by(Office.id)).all())  # type: ignore[arg-type]

    def first_office(self) -> Office | None:
        return self.session.exec(select(Office).order_by(Office.id)).first()  # type: ignore[arg-type]


    def add(self, row: Office | Unit) -> None:
        self.session.add(row)
        self.session.flush()

    def units(self, *, active_only: bool = True) -> Sequence[Unit]:
        stmt = select(Unit).order_by(Unit.id)  # type: ignore[arg-type]
        if active_only:
            stmt = stmt.where(Unit.active == True)  # noqa: E712
        return self.session.exec(stmt).all()

    def unit(self, unit_id: int) -> Unit | None:
        return self.session.get(Unit, unit_id)

    def unit_by_name(self, name: str) -> Unit | None:
        return self.session.exec(select(Unit).where(Unit.name == name)).first()

    def units_by_ids(self, ids: Sequence[int]) -> dict[int, Unit]:
        if not ids:
            return {}
        rows = self.session.exec(select(Unit).where(Unit.id.in_(ids))).all()  # type: ignore[union-attr]
        return {u.id: u for u in rows if u.id is not None}
