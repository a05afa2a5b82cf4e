"""Importing the unit directory: create, update, audit, and refusals that write nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from kernel.actors import Actor, Role
from kernel.clock import FixedClock
from kernel.errors import DomainError
from storage.uow import UnitOfWork
from tests.support.cli import table_counts
from tests.support.scenario import DEMO_PROFILE
from workflow.parsing.units_file import UnitRecord
from workflow.services.offices import ensure_office
from workflow.services.units import import_units
from workflow.unit_names import resolve_unit

STAFF = Actor("赵健", Role.staff)


@pytest.fixture
def office(engine: Engine, clock: FixedClock) -> int:
    with UnitOfWork(engine) as uow:
        return ensure_office(uow, clock, STAFF, DEMO_PROFILE.name, profile=DEMO_PROFILE)


def test_create_then_update_with_audit(engine: Engine, clock: FixedClock, office: int) -> None:
    first = [
        UnitRecord("交通运输局", "市安委会成员单位", ("交通局",), "李科", "1", "jt@x.cn", ""),
        UnitRecord("兑镇镇", "乡镇（街道）"),
    ]
    with UnitOfWork(engine) as uow:
        assert import_units(uow, clock, STAFF, first, office_id=office).created == 2
    second = [
        UnitRecord("交通运输局", "市安委会成员单位", ("交通局", "市交通局"), "王科", "1", "jt@x.cn", ""),
        UnitRecord("兑镇镇", "乡镇（街道）"),
    ]
    with UnitOfWork(engine) as uow:
        result = import_units(uow, clock, STAFF, second, office_id=office)
        assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    with UnitOfWork(engine) as uow:
        units = list(uow.directory.units())
        assert resolve_unit("市交通局", units).name == "交通运输局"
        assert resolve_unit("交通局", units).name == "交通运输局"
        assert units[1].category == "township"
        assert json.loads(units[0].aliases) == ["交通局", "市交通局"]
    counts = table_counts(engine)
    assert counts["auditevent"] == 4, "the office, two units created, one updated"


@pytest.mark.parametrize(
    ("records", "code"),
    [
        ([UnitRecord("甲", "")], "UNIT_CATEGORY_UNKNOWN"),
        ([UnitRecord("甲", "市直部门", email="not-an-address")], "ADDRESS_EMAIL_INVALID"),
        ([UnitRecord("甲", "市直部门", webhook="ftp://x.cn/h")], "ADDRESS_WEBHOOK_INVALID"),
        ([UnitRecord("甲", "市直部门", ("同名",)), UnitRecord("乙", "市直部门", ("同名",))], "UNITS_ALIAS_CONFLICT"),
    ],
)
def test_refused_imports_write_nothing(
    engine: Engine, clock: FixedClock, office: int, records: list[UnitRecord], code: str
) -> None:
    before = table_counts(engine)
    with pytest.raises(DomainError) as err, UnitOfWork(engine) as uow:
        import_units(uow, clock, STAFF, [UnitRecord("先导单位", "市直部门"), *records], office_id=office)
    assert err.value.code == code
    assert table_counts(engine) == before
