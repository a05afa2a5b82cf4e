"""The signed final document (签发的正式文件) through the real CLI, on SQLite and PostgreSQL: kept at 印发
(``issue --signed``) or afterwards (``round upload-signed --file``), shown in ``status --round``, saved back
byte for byte (``round download-signed --output``); a bad file is refused with its code and nothing changes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kernel.clock import FixedClock
from storage.db import make_engine
from tests.e2e.test_cli__process import START, UNITS_CSV, _to_review
from tests.e2e.test_web__signed_document import NUMBER, PDF, _docx, _zip
from tests.support.cli import Cli, table_counts, write_config


@pytest.fixture
def cli(tmp_path: Path, db_url: str) -> Cli:
    c = Cli(write_config(tmp_path / "config.toml", db_url), FixedClock(START))
    assert c("init").exit_code == 0
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    c.ok("units", "import", str(tmp_path / "units.csv"))
    return c


def _approved(cli: Cli) -> str:
    rid = _to_review(cli, "general")
    cli.ok("submit-review", "--round", rid)
    cli.ok("review", "--round", rid, "--approve", "--reviewer", "市司法局", "--opinion", "同意。")
    return rid


def _counts(db_url: str) -> dict[str, int]:
    engine = make_engine(db_url)
    try:
        return table_counts(engine)
    finally:
        engine.dispose()


def test_issue_with_the_signed_file_upload_a_later_one_and_download_both(cli: Cli, tmp_path: Path, db_url: str) -> None:
    rid = _approved(cli)
    pdf = tmp_path / "孝政发〔2026〕3号（盖章）.pdf"
    pdf.write_bytes(PDF)
    before = _counts(db_url)
    early = cli.error("round", "upload-signed", "--round", rid, "--file", str(pdf))
    assert early["code"] == "SIGNED_DOCUMENT_NOT_ISSUED"
    assert _counts(db_url) == before

    issued = cli.ok("issue", "--round", rid, "--doc-number", NUMBER, "--signed", str(pdf))
    assert (issued["doc_number"], issued["state"]) == (NUMBER, "issued")
    assert issued["signed"]["sha256"] == hashlib.sha256(PDF).hexdigest() and issued["signed"]["filename"] == pdf.name

    docx = tmp_path / "正式文件.docx"
    docx.write_bytes(_docx())
    stored = cli.ok("round", "upload-signed", "--round", rid, "--file", str(docx))
    assert stored["doc_number"] == NUMBER and stored["filename"] == "正式文件.docx"
    assert stored["sha256"] == hashlib.sha256(docx.read_bytes()).hexdigest() and stored["size"] == docx.stat().st_size
    human = cli("round", "upload-signed", "--round", rid, "--file", str(docx), json=False)
    assert human.exit_code == 0 and f"已保存签发的正式文件：正式文件.docx（{NUMBER}" in human.stdout

    status = cli.ok("status", "--round", rid)
    assert status["round"]["issued_doc_number"] == NUMBER
    listed = status["signed_documents"]
    assert [d["filename"] for d in listed] == ["正式文件.docx", "正式文件.docx", pdf.name], "newest first"
    assert all("data" not in d for d in listed)

    newest = tmp_path / "out" / "latest.docx"
    newest.parent.mkdir()
    saved = cli.ok("round", "download-signed", "--round", rid, "--output", str(newest))
    assert saved["id"] == listed[0]["id"] and saved["output"] == str(newest)
    assert newest.read_bytes() == docx.read_bytes()
    first = cli.ok(
        "round", "download-signed", "--round", rid, "--document", str(listed[-1]["id"]), "--output", str(newest.parent)
    )
    assert Path(first["output"]) == newest.parent / pdf.name, "into a directory: under its own name"
    assert (newest.parent / pdf.name).read_bytes() == PDF
    assert hashlib.sha256((newest.parent / pdf.name).read_bytes()).hexdigest() == first["sha256"]

    unknown = cli.error("round", "download-signed", "--round", rid, "--document", "999999", "--output", str(newest))
    assert unknown["code"] == "SIGNED_DOCUMENT_NOT_FOUND"
    nowhere = cli.error("round", "download-signed", "--round", rid, "--output", str(tmp_path / "no" / "such" / "x.pdf"))
    assert nowhere["code"] == "FILE_UNWRITABLE"
    assert cli.error("round", "download-signed", "--round", "999999", "--output", str(newest))["code"] == (
        "ROUND_NOT_FOUND"
    )


def test_a_bad_file_is_refused_with_its_code_and_nothing_changes(cli: Cli, tmp_path: Path, db_url: str) -> None:
    rid = _approved(cli)
    files = {
        "照片.pdf": (b"\x89PNG\r\n\x1a\n....", "SIGNED_DOCUMENT_INVALID"),
        "正式文件.docx": (_zip({"[Content_Types].xml": b"<Types/>"}), "SIGNED_DOCUMENT_INVALID"),
        "正式文件.exe": (PDF, "SIGNED_DOCUMENT_TYPE"),
        "空.pdf": (b"", "SIGNED_DOCUMENT_SIZE"),
    }
    for name, (data, _code) in files.items():
        (tmp_path / name).write_bytes(data)
    before = _counts(db_url)
    for name, (_data, code) in files.items():
        refused = cli.error("issue", "--round", rid, "--doc-number", NUMBER, "--signed", str(tmp_path / name))
        assert refused["code"] == code, (name, refused)
    absent = cli.error("issue", "--round", rid, "--doc-number", NUMBER, "--signed", str(tmp_path / "无此文件.pdf"))
    assert absent["code"] == "FILE_UNREADABLE"
    assert _counts(db_url) == before, "nothing issued, nothing stored"
    assert cli.ok("status", "--round", rid)["round"]["issued_doc_number"] is None

    cli.ok("issue", "--round", rid, "--doc-number", NUMBER)
    before = _counts(db_url)
    for name, (_data, code) in files.items():
        refused = cli.error("round", "upload-signed", "--round", rid, "--file", str(tmp_path / name))
        assert refused["code"] == code, (name, refused)
    plain = cli("round", "upload-signed", "--round", rid, "--file", str(tmp_path / "照片.pdf"), json=False)
    assert plain.exit_code != 0 and "上传的文件不是有效的PDF 文件。（SIGNED_DOCUMENT_INVALID）" in plain.stderr
    assert _counts(db_url) == before
    missing = cli.error("round", "download-signed", "--round", rid, "--output", str(tmp_path / "x.pdf"))
    assert missing["code"] == "SIGNED_DOCUMENT_NOT_FOUND" and "还没有上传" in missing["message"]
