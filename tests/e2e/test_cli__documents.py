"""`consultflow report` from the seed demo: every document in every format, the adoption table's
rows as in the seed, a LibreOffice round trip, and version-to-version traceability."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from kernel.clock import FixedClock
from tests.e2e.test_cli__demo import SEED_DEEMED
from tests.support.cli import Cli, write_config

KINDS = ("letter", "reply-form", "adoption", "explanation", "review-package", "audit")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, Path]:
    from datetime import UTC, datetime

    tmp = tmp_path_factory.mktemp("docs")
    cli = Cli(
        write_config(tmp / "config.toml", f"sqlite:///{tmp / 'demo.db'}"), FixedClock(datetime(2026, 1, 5, tzinfo=UTC))
    )
    cli.ok("demo")
    return cli, tmp


def _report(cli: Cli, out: Path, kind: str, fmt: str, *extra: str) -> Path:
    target = out / f"{kind}.{fmt}"
    cli.ok("report", "--round", "1", "--kind", kind, "--format", fmt, "--output", str(target), *extra)
    return target


@pytest.mark.parametrize("kind", KINDS)
def test_every_document_is_an_a4_gbt9704_docx(demo, kind: str) -> None:  # type: ignore[no-untyped-def]
    cli, out = demo
    path = _report(cli, out, kind, "docx", *(["--unit", "交通局"] if kind == "reply-form" else []))
    document = Document(str(path))
    section = document.sections[0]
    assert abs(section.top_margin - Mm(37)) <= Mm(1) and abs(section.left_margin - Mm(28)) <= Mm(1)
    assert {section.page_width, section.page_height} == {Mm(210), Mm(297)} or abs(
        max(section.page_width, section.page_height) - Mm(297)
    ) < Mm(0.5)
    body_runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    assert body_runs and all(r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in body_runs)
    for fmt in ("html", "md", "json"):
        _report(cli, out, kind, fmt, *(["--unit", "交通局"] if kind == "reply-form" else []))


def test_letter_content(demo) -> None:  # type: ignore[no-untyped-def]
    cli, out = demo
    text = "\n".join(p.text for p in Document(str(_report(cli, out, "letter", "docx"))).paragraphs)
    assert "孝安办函〔2023〕1号" in text
    title = "孝义市安全生产委员会办公室关于对《孝义市人民政府关于做好2023年安全生产工作的通知（代拟稿）》征求意见的函"
    assert title in text
    assert "修改意见于2023年2月18日10时前加盖公章书面反馈至市安委办。" in text
    assert text.count("逾期未回复视为无意见") == 1
    assert "联系人：赵健，电话：18335877837" in text and "2023年2月17日" in text
    assert "附件：1. 关于做好2023年安全生产工作的通知" in text  # as the seed letter lists it


def test_adoption_table_rows_as_in_the_seed(demo) -> None:  # type: ignore[no-untyped-def]
    cli, out = demo
    table = Document(str(_report(cli, out, "adoption", "docx"))).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["回复意见类别", "回复单位类别", "乡镇（街道）、部门", "修改意见", "采纳情况及理由"]
    assert rows[1][:3] == ["有修改意见", "市安委会成员单位", "市消防救援大队"]
    assert rows[1][4] == "予以采纳，孝义市消防救援大队结合省消防救援总队年度重点工作中内容进行补充。"
    transport = next(r for r in rows if r[2] == "交通运输局")
    assert transport[3:] == ["序号 8 中“交通运输”建议增加“进一步强化邮递行业安全监管”。", "予以采纳"]
    housing = next(r for r in rows if r[2] == "住建局")
    assert housing[4] == "不予采纳，原文件中所述“剧本娱乐经营场所”是正确的，和剧院式两个概念。"
    assert ["无修改意见", "市安委会成员单位", "市城管局", "", ""] in rows
    assert ["逾期未回复", "市安委会成员单位（17家）", "、".join(SEED_DEEMED), "", "逾期未回复，视为无意见"] in rows
    towns = next(r for r in rows if r[1] == "乡镇（街道）（16家）")
    assert towns[0] == "无修改意见" and towns[2].startswith("兑镇镇、阳泉曲镇") and towns[4] == "——"
    assert rows[-1][0] == "合法性审查" and rows[-1][2] == "市司法局"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_explanation_skeleton(demo) -> None:  # type: ignore[no-untyped-def]
    cli, out = demo
    text = _report(cli, out, "explanation", "md").read_text(encoding="utf-8")
    assert "第二部分：工作任务（共八大项29小项）" in text
    assert "（一）提高政治站位，树牢安全发展理念（1项—3项）" in text
    assert "（三）深化专项整治，着力解决突出问题（8项）" in text
    assert "共征求37家单位意见" in text and "17家单位逾期未回复，视为无意见" in text
    assert "予以采纳5条" in text and "不予采纳1条" in text


def test_reply_forms_zip_and_single(demo) -> None:  # type: ignore[no-untyped-def]
    cli, out = demo
    target = out / "回复表.zip"
    cli.ok("report", "--round", "1", "--kind", "reply-form", "--format", "docx", "--output", str(target))
    archive = zipfile.ZipFile(target)
    assert len(archive.namelist()) == 37 and "回复表-市消防救援大队.docx" in archive.namelist()
    form = Document(io.BytesIO(archive.read("回复表-交通运输局.docx")))
    text = "\n".join(p.text for p in form.paragraphs)
    assert "单位名称（盖章）：交通运输局" in text
    assert [c.text for c in form.tables[0].rows[0].cells] == [
        "序号",
        "条目（如“序号1”）",
        "修改意见",
        "依据",
        "理由",
    ]


def test_reply_forms_of_every_unit_are_not_written_under_a_single_file_name(demo) -> None:  # type: ignore[no-untyped-def]
    cli, out = demo
    target = out / "x.md"
    refused = cli.error("report", "--round", "1", "--kind", "reply-form", "--format", "md", "--output", str(target))
    assert refused["code"] == "REPORT_OUTPUT_MISMATCH" and "--unit" in refused["message"]
    assert not target.exists(), "nothing is written under the misleading name"
    cli.ok(
        "report",
        "--round",
        "1",
        "--kind",
        "reply-form",
        "--format",
        "md",
        "--output",
        str(target),
        "--unit",
        "交通运输局",
    )
    assert "单位名称（盖章）：交通运输局" in target.read_text(encoding="utf-8")


def test_review_package_and_audit_report(demo) -> None:  # type: ignore[no-untyped-def]
    cli, out = demo
    package = _report(cli, out, "review-package", "md").read_text(encoding="utf-8")
    for part in (
        "材料一",
        "材料二",
        "材料三",
        "材料四",
        "征求意见过程记录",
        "孝安办函〔2023〕1号",
        "逾期未回复，视为无意见",
    ):
        assert part in package
    audit = _report(cli, out, "audit", "md").read_text(encoding="utf-8")
    assert "哈希链校验通过" in audit and "逾期未回复，视为无意见（历史导入）" in audit


def test_user_text_is_escaped_in_html_and_literal_in_docx(demo) -> None:  # type: ignore[no-untyped-def]
    cli, out = demo
    html = _report(cli, out, "adoption", "html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() or "&lt;script" in html


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is required in CI")
    if found is None:
        pytest.skip(reason="libreoffice not installed")
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "needle", "min_pages"),
    [
        ("letter", "孝安办函〔2023〕1号", 1),
        ("adoption", "逾期未回复，视为无意见", 2),
        ("review-package", "征求意见过程记录", 5),
    ],
)
def test_libreoffice_round_trip(demo, tmp_path: Path, kind: str, needle: str, min_pages: int) -> None:  # type: ignore[no-untyped-def]
    soffice = _soffice()
    cli, out = demo
    docx = _report(cli, out, kind, "docx")
    profile = tmp_path / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / f"{kind}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= min_pages
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    compact = text.replace(" ", "")
    assert needle in compact
    first, *later = compact.split("\f")
    # a letter (信函格式) prints no page number on its first page; other documents do
    assert ("—1—" not in first) if kind == "letter" else ("—1—" in first)
    if pages > 1:
        assert "—2—" in later[0]
    if kind == "adoption":
        second_page = text.split("\f")[1].replace(" ", "")
        assert "采纳情况及理由" in second_page  # the header row repeats on every page


def test_letter_attachments_from_the_cli(demo) -> None:  # type: ignore[no-untyped-def]
    cli, out = demo
    package = out / "函及附件.zip"
    cli.ok("report", "--round", "1", "--kind", "letter-package", "--format", "docx", "--output", str(package))
    with zipfile.ZipFile(package) as archive:
        assert archive.namelist() == [
            "孝安办函〔2023〕1号.docx",
            "附件1-关于做好2023年安全生产工作的通知.docx",
            "附件2-孝义市人民政府关于做好2023年安全生产工作的通知（重点任务分工）.docx",
            "附件3-《吕梁市人民政府关于做好2023年安全生产工作的通知（代拟稿）》征求意见回复表.docx",
        ], "named as the seed letter lists them"
        draft = Document(io.BytesIO(archive.read("附件1-关于做好2023年安全生产工作的通知.docx")))
    # 附件1 is the draft as it came: its own number, title (讨论稿), 主送, headings, tasks, 落款 and date
    paragraphs = [p.text for p in draft.paragraphs if p.text]
    head = ["附件1", "孝政发〔2023〕 号", "孝义市人民政府 关于做好 2023 年安全生产工作的通知 (讨论稿)"]
    assert paragraphs[:3] == head
    assert paragraphs[3] == "各乡镇(街道)、市直各有关单位、孝义经济开发区、各驻市企业:"
    assert "一、提高政治站位，树牢安全发展理念" in paragraphs and paragraphs[-2:] == ["孝义市人民政府", "2023年2月16日"]
    wrong = out / "函及附件.docx"
    args = ("report", "--round", "1", "--kind", "letter-package", "--format", "docx", "--output", str(wrong))
    refused = cli.error(*args)
    assert refused["code"] == "REPORT_OUTPUT_MISMATCH" and not wrong.exists()
    table = _report(cli, out, "task-table", "docx")
    assert len(Document(str(table)).tables[0].rows) > 29
