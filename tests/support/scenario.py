"""Build realistic state through the real services: office, units, the seed draft, rounds."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from kernel.actors import Actor, Role
from kernel.clock import Clock
from storage.uow import UnitOfWork
from workflow.parsing.draft_text import parse_draft_text
from workflow.parsing.units_file import UnitRecord
from workflow.profiles import load_profile_file
from workflow.services.drafts import import_draft
from workflow.services.offices import ensure_office
from workflow.services.rounds import StartRound, start_round
from workflow.services.units import import_units

STAFF = Actor("赵健", Role.staff)
SECRET = "test-secret-key"  # the link key tests mint and reach links with (tests.support.web uses it too)
DRAFT_TEXT = (Path(__file__).resolve().parents[2] / "workflow/demo/data/draft_2023_safety.txt").read_text("utf-8")
_PARSED = parse_draft_text(DRAFT_TEXT)
DEMO_PROFILE = load_profile_file(Path(__file__).resolve().parents[2] / "profiles/demo-safety-office.toml")
"""The seed office as a profile: tests build their office from it, as the demo does."""


def setup_office(engine: Engine, clock: Clock, units: int = 5, *, with_email: bool = True) -> int:
    with UnitOfWork(engine) as uow:
        office_id = ensure_office(uow, clock, STAFF, DEMO_PROFILE.name, profile=DEMO_PROFILE)
    records = [
        UnitRecord(
            f"测试单位{i:03d}",
            "市安委会成员单位",
            (),
            f"联系人{i}",
            f"0358-{i:07d}",
            f"unit{i}@xiaoyi.example.cn" if with_email else "",
        )
        for i in range(1, units + 1)
    ]
    with UnitOfWork(engine) as uow:
        import_units(uow, clock, STAFF, records, office_id=office_id)
    return office_id


def demo_office_id(engine: Engine) -> int:
    """The id of the office built from DEMO_PROFILE (for tests that did not keep it)."""
    with UnitOfWork(engine) as uow:
        office = uow.directory.office_by_code(DEMO_PROFILE.code)
        assert office is not None and office.id is not None, "setup_office first"
        return office.id


def new_round(
    engine: Engine,
    clock: Clock,
    office_id: int,
    deadline: datetime,
    serial: int,
    units: list[str] | None = None,
    *,
    secret: str = SECRET,
) -> int:
    """A round of the seed draft asking ``units`` (every unit of the office if None), through the services."""
    with UnitOfWork(engine) as uow:
        draft = import_draft(
            uow,
            clock,
            STAFF,
            _PARSED,
            title=f"测试文稿{serial}",
            issuer="孝义市人民政府",
            filename="draft.txt",
            office_id=office_id,
        )
    with UnitOfWork(engine) as uow:
        return start_round(
            uow,
            clock,
            STAFF,
            StartRound(
                draft_id=draft.draft_id,
                office_id=office_id,
                doc_number=f"孝安办函〔2026〕{serial}号",
                deadline=deadline,
                contact="赵健",
                phone="18335877837",
                unit_names=units or [],
                all_units=units is None,
            ),
            secret=secret,
        ).round_id
