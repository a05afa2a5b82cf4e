"""Another office's letter is in its own words: a 防指办 built from its own profile gets its name, its 主送
wording in its own order (only the categories it asked), its 落款 and its attachments, and none of the seed
office's words. An office's own template replaces a block of the shipped one (letters and notices); a broken one
stops start-up. Its profile carries its own rules for public comments."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import Engine

from kernel.clock import FixedClock
from kernel.errors import InvalidInput
from notifications.compose import Composer
from notifications.templates import MessageRenderer
from storage.uow import UnitOfWork
from tests.support.scenario import STAFF, new_round, setup_office
from workflow.notices import WorkflowFacts, check_office_notice_templates
from workflow.parsing.draft_text import parse_draft_text
from workflow.parsing.units_file import UnitRecord
from workflow.profiles import OfficeProfile, profile_from_mapping
from workflow.public.policy import PublicPolicy, office_policy
from workflow.reports import official
from workflow.reports.attachments import letter_package
from workflow.reports.letters import check_office_templates
from workflow.services.drafts import import_draft
from workflow.services.offices import ensure_office
from workflow.services.rounds import StartRound, start_round
from workflow.services.units import import_units

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SEED_OFFICE_WORDS = ("孝义", "安委", "安全生产", "乡镇人民政府、街道办事处", "吕梁", "晋政发", "赵健", "司法局")
FLOOD_DRAFT = """某市人民政府关于做好2026年防汛工作的通知（代拟稿）

各乡镇（街道）、市防指各成员单位：

为做好2026年防汛工作，现通知如下。

一、压实防汛责任

1.落实责任制。各级要落实防汛行政首长负责制。

2.开展隐患排查。汛前完成河道、水库隐患排查。

某市人民政府

2026年3月1日

附件 2:

重点任务分工

序号\t任务\t主要内容\t责任单位
1\t落实责任制\t(1) 落实防汛行政首长负责制。\t各乡镇（街道）
2\t开展隐患排查\t(1) 汛前完成河道、水库隐患排查。\t市水利局
"""


def flood_profile(**extra: object) -> OfficeProfile:
    return profile_from_mapping(
        {
            "code": "flood-office",
            "name": "某市防汛抗旱指挥部办公室",
            "short_name": "市防指办",
            "level": "市",
            "reviewer_unit": "某市政府法制审核机构",
            "doc_number_prefix": "某防办函",
            "categories": [
                {"key": "member_unit", "label": "市防指成员单位", "addressee": "市防指各有关成员单位",
                 "kind": "member"},
                {"key": "city_department", "label": "市直部门", "addressee": "市直各有关部门", "kind": "department"},
                {"key": "township", "label": "乡镇（街道）", "addressee": "各乡镇（街道）", "kind": "township"},
            ],
            "addressee_order": ["member_unit", "township", "city_department"],
            "wording": {"letter_signature": "某市防汛抗旱指挥部办公室（代章）"},
            **extra,
        }
    )


def _office(engine: Engine, clock: FixedClock, profile: OfficeProfile) -> int:
    with UnitOfWork(engine) as uow:
        office_id = ensure_office(uow, clock, STAFF, profile.name, profile=profile)
    records = [
        UnitRecord("市水利局", "市防指成员单位", (), "", "", "water@flood.example.cn"),
        UnitRecord("市应急管理局", "市防指成员单位", (), "", "", ""),
        UnitRecord("甲镇", "乡镇（街道）", (), "", "", ""),
        UnitRecord("乙街道", "乡镇（街道）", (), "", "", ""),
        UnitRecord("市统计局", "市直部门", (), "", "", ""),
    ]
    with UnitOfWork(engine) as uow:
        import_units(uow, clock, STAFF, records, office_id=office_id)
    return office_id


def _round(engine: Engine, clock: FixedClock, office_id: int, serial: int, units: list[str]) -> int:
    with UnitOfWork(engine) as uow:
        draft = import_draft(
            uow,
            clock,
            STAFF,
            parse_draft_text(FLOOD_DRAFT),
            title="某市人民政府关于做好2026年防汛工作的通知",
            issuer="某市人民政府",
            filename="flood.txt",
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
                doc_number=f"某防办函〔2026〕{serial}号",
                deadline=T0 + timedelta(days=5),
                contact="李四",
                phone="0000-1234567",
                unit_names=units,
                letter_date=date(2026, 3, 2),
                purpose="为切实做好2026年防汛工作",
                basis="根据上级防汛工作部署",
                focus="本单位防汛工作",
                requirements="修改意见要有依据。",
            ),
            secret="test-secret-key",
        ).round_id


def _text(doc: object) -> str:
    from documents.md_writer import render_markdown

    return render_markdown(doc)  # type: ignore[arg-type]


def test_a_flood_control_office_writes_its_own_letter(engine: Engine) -> None:
    clock = FixedClock(T0)
    office_id = _office(engine, clock, flood_profile())
    rid = _round(engine, clock, office_id, 1, ["市水利局", "市应急管理局", "甲镇", "乙街道"])
    with UnitOfWork(engine) as uow:
        letter = official.letter(uow, rid)
        form = official.reply_form(uow, rid, None)
        adoption = official.adoption(uow, rid)
        package = letter_package(uow, rid)
    assert letter.issuer_mark == "某市防汛抗旱指挥部办公室"
    assert letter.title == (
        "某市防汛抗旱指挥部办公室关于对《某市人民政府关于做好2026年防汛工作的通知（代拟稿）》征求意见的函"
    )
    assert letter.addressee == "市防指各有关成员单位，各乡镇（街道）：", "its own wording, in its own order"
    body = "".join(p.text for p in letter.blocks)  # type: ignore[union-attr]
    assert body.startswith("为切实做好2026年防汛工作，根据上级防汛工作部署，市防指办起草了")
    assert "请结合本单位防汛工作实际，对照《某市人民政府关于做好2026年防汛工作的通知（重点任务分工）》（附件2）" in body
    assert "书面反馈至市防指办。逾期未回复视为无意见。" in body
    assert letter.signature == "某市防汛抗旱指挥部办公室（代章）"
    assert letter.attachments == (
        "某市人民政府关于做好2026年防汛工作的通知（代拟稿）",
        "某市人民政府关于做好2026年防汛工作的通知（重点任务分工）",
        "《某市人民政府关于做好2026年防汛工作的通知（代拟稿）》征求意见回复表",
    )
    assert adoption.blocks[0].headers[2] == "单位"  # type: ignore[union-attr]
    assert adoption.blocks[0].rows[-1][2] == "某市政府法制审核机构"  # type: ignore[union-attr]
    texts = [_text(letter), _text(form)]
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert len(archive.namelist()) == 4
        for name in archive.namelist():
            document = Document(io.BytesIO(archive.read(name)))
            parts = [p.text for p in document.paragraphs]
            parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
            texts.append(name + "\n" + "\n".join(parts))
    for text in texts:
        found = [w for w in SEED_OFFICE_WORDS if w in text]
        assert found == [], f"the seed office's words in another office's papers: {found}"


def test_the_letter_is_addressed_to_the_categories_asked_only(engine: Engine) -> None:
    clock = FixedClock(T0)
    office_id = _office(engine, clock, flood_profile())
    townships = _round(engine, clock, office_id, 1, ["甲镇", "乙街道"])
    departments = _round(engine, clock, office_id, 2, ["市统计局", "甲镇"])
    with UnitOfWork(engine) as uow:
        assert official.letter(uow, townships).addressee == "各乡镇（街道）："
        assert official.letter(uow, departments).addressee == "各乡镇（街道），市直各有关部门："


def test_an_office_template_replaces_one_block(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "solicitation_letter.j2").write_text(
        '{% extends "builtin/solicitation_letter.j2" %}'
        "{% block signature %}{{ office.short_name }}（{{ round.letter_date | cn_date }}印）{% endblock %}",
        encoding="utf-8",
    )
    clock = FixedClock(T0)
    office_id = _office(engine, clock, flood_profile(template_dir=str(tmp_path)))
    rid = _round(engine, clock, office_id, 1, ["甲镇"])
    with UnitOfWork(engine) as uow:
        assert check_office_templates(uow) == 1
        letter = official.letter(uow, rid)
    assert letter.signature == "市防指办（2026年3月2日印）"
    assert "书面反馈至市防指办" in "".join(p.text for p in letter.blocks)  # type: ignore[union-attr]


def test_a_broken_office_template_stops_start_up(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "solicitation_letter.j2").write_text(
        '{% extends "builtin/solicitation_letter.j2" %}{% block body %}{{ round.no_such_field }}{% endblock %}',
        encoding="utf-8",
    )
    clock = FixedClock(T0)
    _office(engine, clock, flood_profile(template_dir=str(tmp_path)))
    with UnitOfWork(engine) as uow, pytest.raises(InvalidInput) as refused:
        check_office_templates(uow)
    assert refused.value.code == "LETTER_TEMPLATE_INVALID" and "no_such_field" in refused.value.message


def test_a_missing_template_folder_stops_start_up(engine: Engine, tmp_path: Path) -> None:
    clock = FixedClock(T0)
    _office(engine, clock, flood_profile(template_dir=str(tmp_path / "nowhere")))
    with UnitOfWork(engine) as uow, pytest.raises(InvalidInput) as refused:
        check_office_templates(uow)
    assert refused.value.code == "LETTER_TEMPLATE_INVALID" and "nowhere" in refused.value.message


def _solicitation_subject(engine: Engine, clock: FixedClock, rid: int) -> str:
    """The subject of the round's first solicitation notice as the relay would compose it."""
    composer = Composer(WorkflowFacts("http://testserver", "test-secret-key", attachments=False), clock)
    with UnitOfWork(engine) as uow:
        row = next(r for r in uow.outbox.for_round(rid) if r.kind == "solicitation")
        return composer(uow, row).subject


def test_an_office_words_its_notices_in_its_own_templates(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "solicitation.subject.j2").write_text(
        "【{{ wording.notice_tag }}】{{ round.doc_number }}：请于{{ round.deadline | cn_datetime }}前反馈意见",
        encoding="utf-8",
    )
    clock = FixedClock(T0)
    flood = _office(engine, clock, flood_profile(template_dir=str(tmp_path), wording={"notice_tag": "防汛征求意见"}))
    seed = setup_office(engine, clock, units=1)
    flood_round = _round(engine, clock, flood, 1, ["市水利局"])
    seed_round = new_round(engine, clock, seed, T0 + timedelta(days=3), 7)
    with UnitOfWork(engine) as uow:
        assert check_office_notice_templates(uow, MessageRenderer()) == 1
    assert _solicitation_subject(engine, clock, flood_round).startswith("【防汛征求意见】某防办函〔2026〕1号：请于")
    other = _solicitation_subject(engine, clock, seed_round)
    assert other.startswith("【征求意见】") and "防汛" not in other, "another office keeps the shipped wording"


def test_a_broken_office_notice_template_stops_start_up(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "reminder.txt.j2").write_text("{{ wording.missing_phrase }}", encoding="utf-8")
    clock = FixedClock(T0)
    _office(engine, clock, flood_profile(template_dir=str(tmp_path)))
    with UnitOfWork(engine) as uow, pytest.raises(InvalidInput) as refused:
        check_office_notice_templates(uow, MessageRenderer())
    assert refused.value.code == "TEMPLATE_INVALID" and "reminder.txt.j2" in refused.value.message


def test_an_office_profile_carries_its_own_public_comment_rules(engine: Engine) -> None:
    clock = FixedClock(T0)
    rules = {"hide_reasons": ["与防汛工作无关"], "contact_retention_days": 90, "flag_words": ["代办"]}
    flood = _office(engine, clock, flood_profile(public=rules))
    seed = setup_office(engine, clock, units=1)
    section = {"contact_retention_days": 120, "offices": {"flood-office": {"contact_retention_days": 60}}}
    with UnitOfWork(engine) as uow:
        own, other = office_policy(uow, section, flood), office_policy(uow, section, seed)
    assert own.hide_reasons == ("与防汛工作无关",) and own.flag_words == ("代办",)
    assert own.contact_retention_days == 90, "the profile goes over config [public] and [public.offices.<code>]"
    assert other.contact_retention_days == 120 and other.hide_reasons == PublicPolicy().hide_reasons
    with pytest.raises(InvalidInput) as refused:
        flood_profile(public={"contact_retention_days": 0})
    assert refused.value.code == "OFFICE_PROFILE_INVALID" and "[office.public]" in refused.value.message
