"""Another office's words, end to end: a 防指办 whose unit file brings its own categories, and a county
office (县直) with a locked list. Import, round, letter, adoption table, 起草说明 and the responsible-unit
rules carry that office's words and none of the seed office's."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from kernel.errors import DomainError
from storage.uow import UnitOfWork, uow_factory
from tests.support.cli import table_counts
from tests.support.scenario import DRAFT_TEXT, SECRET, STAFF
from workflow.parsing.draft_text import parse_draft_text
from workflow.parsing.units_file import parse_units_file
from workflow.profiles import load_profile_file
from workflow.reports.adoption import adoption_table
from workflow.reports.render import render_report
from workflow.services.deadlines import sweep
from workflow.services.drafts import import_draft
from workflow.services.offices import ensure_office, office_profile
from workflow.services.replies import CommentInput, SubmitReply, submit_reply
from workflow.services.rounds import StartRound, start_round
from workflow.services.tracking import ImportMeasures, import_measures
from workflow.services.units import import_units

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "profiles"
FLOOD = load_profile_file(FIXTURES / "flood-office.toml")
COUNTY = load_profile_file(FIXTURES / "county-office.toml")
SEED_WORDS = ("孝义", "孝安办", "孝政发", "安委", "市直部门", "市直各有关部门", "赵健", "吕梁")

FLOOD_UNITS = """名称,类别,联系人,电话,邮箱
市水务局,市防指成员单位,王科,1,sw@example.cn
兑镇镇,乡镇（街道）,刘主任,2,dz@example.cn
市应急管理局,市防指成员单位,李科,3,yj@example.cn
新义街道,乡镇（街道）,陈主任,4,xy@example.cn
市气象局,市防指成员单位,张科,5,qx@example.cn
"""
COUNTY_UNITS = """名称,类别,联系人,电话,邮箱
县水利局,县直部门,王科,1,sl@example.cn
县应急管理局,县直单位,李科,2,yj@example.cn
城关镇,乡镇,刘主任,3,cg@example.cn
"""


def _office(engine: Engine, clock: FixedClock, profile, units: str) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    with UnitOfWork(engine) as uow:
        office = ensure_office(uow, clock, STAFF, profile.name, profile=profile)
    with UnitOfWork(engine) as uow:
        result = import_units(uow, clock, STAFF, parse_units_file("名录.csv", units.encode()), office_id=office)
    return office, result.new_categories


def _round(engine: Engine, clock: FixedClock, office: int, number: str, **picked) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(engine) as uow:
        draft = import_draft(
            uow,
            clock,
            STAFF,
            parse_draft_text(DRAFT_TEXT),
            title="关于做好2026年汛期工作的通知",
            issuer="示例市防汛抗旱指挥部",
            filename="d.txt",
            office_id=office,
        )
    with UnitOfWork(engine) as uow:
        return start_round(
            uow,
            clock,
            STAFF,
            StartRound(
                draft_id=draft.draft_id,
                office_id=office,
                doc_number=number,
                deadline=clock.now() + timedelta(days=1),
                contact="张明",
                phone="0358-1234567",
                **picked,
            ),
            secret=SECRET,
        ).round_id


def _no_seed_words(text: str, where: str) -> None:
    found = [w for w in SEED_WORDS if w in text]
    assert not found, f"{where} carries the seed office's words {found}"


def test_a_unit_file_brings_the_offices_own_categories_in_the_order_they_first_appear(
    engine: Engine, clock: FixedClock
) -> None:
    office, added = _office(engine, clock, FLOOD, FLOOD_UNITS)
    assert added == ["市防指成员单位", "乡镇（街道）"]
    with UnitOfWork(engine) as uow:
        profile = office_profile(uow, office)
        assert [c.label for c in profile.categories] == ["市防指成员单位", "乡镇（街道）"], "kept in the database"
        assert profile.category("c1") is not None and profile.category("c1").addressee == "市防指各有关成员单位"  # type: ignore[union-attr]
        events = [e for e in uow.audit.events() if e.action == "office.categories_added"]
    assert len(events) == 1 and events[0].office_id == office
    assert [c["label"] for c in json.loads(events[0].payload)["categories"]] == ["市防指成员单位", "乡镇（街道）"]
    with UnitOfWork(engine) as uow:
        again = import_units(uow, clock, STAFF, parse_units_file("名录.csv", FLOOD_UNITS.encode()), office_id=office)
    assert again.new_categories == [] and again.unchanged == 5


def test_init_from_the_file_again_keeps_the_categories_an_import_added(engine: Engine, clock: FixedClock) -> None:
    office, _ = _office(engine, clock, FLOOD, FLOOD_UNITS)
    with UnitOfWork(engine) as uow:
        assert ensure_office(uow, clock, STAFF, FLOOD.name, profile=FLOOD) == office
    with UnitOfWork(engine) as uow:
        assert [c.label for c in office_profile(uow, office).categories] == ["市防指成员单位", "乡镇（街道）"]


def test_the_flood_offices_round_letter_adoption_table_and_explanation_speak_its_words(
    engine: Engine, clock: FixedClock
) -> None:
    office, _ = _office(engine, clock, FLOOD, FLOOD_UNITS)
    rid = _round(engine, clock, office, "示防指办函〔2026〕3号", all_units=True)
    with UnitOfWork(engine) as uow:
        submit_reply(
            uow,
            clock,
            STAFF,
            SubmitReply(round_id=rid, unit_name="市水务局", comments=[CommentInput("序号3", "建议补充山洪预警内容。")]),
        )
    with UnitOfWork(engine) as uow:
        submit_reply(uow, clock, STAFF, SubmitReply(round_id=rid, unit_name="兑镇镇", no_comments=True))
    clock.advance(timedelta(days=2))
    sweep(uow_factory(engine), clock)
    with UnitOfWork(engine) as uow:
        table = adoption_table(uow, rid)
        documents = {
            kind: render_report(uow, rid, kind, "md").data.decode("utf-8")  # type: ignore[union-attr]
            for kind in ("letter", "adoption", "explanation")
        }
    rows = [(g["unit_category_label"], g["reply_category_label"], g["count"]) for g in table["groups"]]
    assert rows == [
        ("市防指成员单位", "有修改意见", 1),
        ("市防指成员单位", "逾期未回复", 2),
        ("乡镇（街道）", "无修改意见", 1),
        ("乡镇（街道）", "逾期未回复", 1),
    ]
    assert table["legality_review"]["reviewer"] == "市司法局", "the profile's reviewing unit"
    _no_seed_words(json.dumps(table, ensure_ascii=False), "the adoption table")
    assert "市防指各有关成员单位" in documents["letter"] and "各乡镇（街道）" in documents["letter"]
    assert "市防指办" in documents["letter"]
    assert "市防指成员单位" in documents["adoption"]
    for kind, text in documents.items():
        _no_seed_words(text, kind)


def test_the_letter_names_only_the_categories_asked_in_the_offices_order(engine: Engine, clock: FixedClock) -> None:
    office, _ = _office(engine, clock, COUNTY, COUNTY_UNITS)
    rid = _round(engine, clock, office, "示县政办函〔2026〕1号", categories=["县直部门", "乡镇"])
    only_towns = _round(engine, clock, office, "示县政办函〔2026〕2号", categories=["乡镇"])
    with UnitOfWork(engine) as uow:
        letter = render_report(uow, rid, "letter", "md").data.decode("utf-8")  # type: ignore[union-attr]
        towns = render_report(uow, only_towns, "letter", "md").data.decode("utf-8")  # type: ignore[union-attr]
    assert "各乡镇人民政府，县直各有关部门：" in letter, "the county's 主送 order: townships first"
    assert "各乡镇人民政府：" in towns and "县直" not in towns
    _no_seed_words(letter + towns, "the county's letters")


def test_a_locked_list_refuses_an_unknown_category_and_keeps_nothing(engine: Engine, clock: FixedClock) -> None:
    office, added = _office(engine, clock, COUNTY, COUNTY_UNITS)
    assert added == [], "县直单位 is an alias of 县直部门"
    before = table_counts(engine)
    with pytest.raises(DomainError) as refused, UnitOfWork(engine) as uow:
        import_units(
            uow,
            clock,
            STAFF,
            parse_units_file("x.csv", "名称,类别\n县民政局,县直部门\n县供电公司,驻县单位\n".encode()),
            office_id=office,
        )
    assert refused.value.code == "UNIT_CATEGORY_LOCKED" and "驻县单位" in refused.value.message
    assert table_counts(engine) == before


def test_county_departments_are_named_with_the_countys_level_in_tracking(engine: Engine, clock: FixedClock) -> None:
    office, _ = _office(engine, clock, COUNTY, COUNTY_UNITS)
    table = (
        "| 问题类别 | 具体问题 | 整改措施 | 县责任单位及责任人 | 完成时限 |\n|---|---|---|---|---|\n"
        "| （一）防汛 | 1. 汛前检查不到位。 | 1. 开展汛前大检查。 | 县直各有关部门 | 5月底 |\n"
        "| （二）山洪 | 1. 山洪预警滞后。 | 1. 完善预警。 | 各乡镇 | 6月底 |\n"
    )
    with UnitOfWork(engine) as uow:
        items = import_measures(uow, clock, STAFF, ImportMeasures(office, "t.md", table.encode(), clock.now().date()))
    by_row = {i["category"]: i for i in items.items}
    assert sorted(by_row["（一）防汛"]["units"]) == ["县应急管理局", "县水利局"], "县直各有关部门: every department"
    assert by_row["（二）山洪"]["units"] == ["城关镇"]
    assert items.problems == []
