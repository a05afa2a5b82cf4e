"""The ZIP of a round's reply forms (one per unit, pre-filled) holds, for every unit, the very form the unit's
own download gives: the round is loaded once and the forms filled in from one layout (issue 13), and the
Word file of each is the one ``render_docx`` makes of that unit's form, part for part."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from documents.docx_writer import render_docx
from kernel.clock import FixedClock
from storage.uow import UnitOfWork
from tests.support.scenario import STAFF, new_round, setup_office
from workflow.parsing.units_file import UnitRecord
from workflow.reports import official
from workflow.reports.attachments import zip_entry_name
from workflow.reports.render import render_report
from workflow.services.units import import_units

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _parts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def _round(engine: Engine) -> int:
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=4)
    extra = [  # no contact or phone on file, and names XML must escape
        UnitRecord("无联系人单位", "市安委会成员单位", (), "", "", ""),
        UnitRecord("A&B<单位>", "市安委会成员单位", (), "", "0358-7777777", ""),
    ]
    with UnitOfWork(engine) as uow:
        import_units(uow, clock, STAFF, extra, office_id=office)
    return new_round(engine, clock, office, T0 + timedelta(days=3), 1)


def test_every_form_in_the_zip_is_the_units_own_form(engine: Engine) -> None:
    rid = _round(engine)
    with UnitOfWork(engine) as uow:
        zipped = render_report(uow, rid, "reply-form", "docx")
        units = [u.name for _r, u in uow.rounds.recipients(rid)]
        own = {name: render_docx(official.reply_form(uow, rid, name)) for name in units}
    archive = zipfile.ZipFile(io.BytesIO(zipped.data))
    assert zipped.filename == "回复表.zip" and len(units) == 6
    assert archive.namelist() == [f"回复表-{zip_entry_name(name)}.docx" for name in units]
    for name in units:
        assert _parts(archive.read(f"回复表-{zip_entry_name(name)}.docx")) == _parts(own[name]), name


def test_the_forms_of_a_round_are_its_reply_form_for_each_unit(engine: Engine) -> None:
    rid = _round(engine)
    with UnitOfWork(engine) as uow:
        forms = official.reply_forms(uow, rid)
        for unit in forms.units:
            assert forms.document(unit) == official.reply_form(uow, rid, unit.name)
        assert forms.document(None) == official.reply_form(uow, rid, None)
        filled = forms.document(next(u for u in forms.units if u.name == "无联系人单位"))
    assert filled.blocks[1].pairs == (("联系人", "　" * 4), ("电话", "　" * 6))  # type: ignore[union-attr]


def test_the_zip_in_markdown_holds_each_units_form_too(engine: Engine) -> None:
    rid = _round(engine)
    with UnitOfWork(engine) as uow:
        zipped = render_report(uow, rid, "reply-form", "md")
        one = render_report(uow, rid, "reply-form", "md", unit="A&B<单位>")
    archive = zipfile.ZipFile(io.BytesIO(zipped.data))
    name = f"回复表-{zip_entry_name('A&B<单位>')}.md"
    assert archive.read(name) == one.data
