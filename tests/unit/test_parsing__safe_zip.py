"""Office files are checked before a parser opens them: entries, inflated size, ratio, names, XML."""

from __future__ import annotations

import io
import zipfile

import pytest

from kernel.errors import InvalidInput
from tests.support.attacks import docx_bomb, docx_deep, docx_entities, docx_with, docx_xxe
from workflow.parsing.draft_docx import parse_draft_docx
from workflow.parsing.reply_form import parse_reply_form
from workflow.parsing.safe_zip import ZipLimits, check_office_zip
from workflow.parsing.units_file import parse_units_file


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _refusal(data: bytes, limits: ZipLimits = ZipLimits()) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        check_office_zip(data, "Word 文件", "DRAFT_DOCX_INVALID", limits)
    return refused.value


def test_a_bomb_is_refused_by_its_inflated_size_before_any_parser_runs() -> None:
    error = _refusal(docx_bomb(30))
    assert error.code == "UPLOAD_ARCHIVE_UNSAFE" and "解压后" in error.message


def test_too_many_entries_a_high_ratio_and_climbing_names_are_refused() -> None:
    assert "条目" in _refusal(_zip({f"f{n}.txt": b"x" for n in range(11)}), ZipLimits(max_entries=10)).message
    assert "压缩比" in _refusal(_zip({"word/media/big.bin": b"\0" * (2 * 1024 * 1024)})).message
    assert "名称" in _refusal(_zip({"../../evil.xml": b"<a/>"})).message


@pytest.mark.parametrize("make", [docx_entities, docx_xxe, docx_deep], ids=["entities", "xxe", "deep"])
def test_every_reader_refuses_hostile_xml_with_a_code(make) -> None:  # type: ignore[no-untyped-def]
    data = make()
    for parse in (parse_draft_docx, parse_reply_form):
        with pytest.raises(InvalidInput) as refused:
            parse(data)
        assert refused.value.code == "UPLOAD_ARCHIVE_UNSAFE"
    with pytest.raises(InvalidInput) as refused:
        parse_units_file("units.xlsx", data)
    assert refused.value.code == "UPLOAD_ARCHIVE_UNSAFE"


def test_a_broken_package_is_the_readers_own_code() -> None:
    missing_part = docx_with(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    with zipfile.ZipFile(io.BytesIO(missing_part)) as archive:
        kept = {i.filename: archive.read(i) for i in archive.infolist() if i.filename != "[Content_Types].xml"}
    for data in (b"not a zip", _zip(kept)):
        with pytest.raises(InvalidInput) as refused:
            parse_draft_docx(data)
        assert refused.value.code == "DRAFT_DOCX_INVALID"
        with pytest.raises(InvalidInput) as refused:
            parse_reply_form(data)
        assert refused.value.code == "REPLY_FORM_UNREADABLE"
