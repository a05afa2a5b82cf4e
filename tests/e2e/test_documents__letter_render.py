"""The 信函格式 as LibreOffice prints it: the DOCX is converted to PDF and page 1 rasterised (pdftoppm), and the
red lines are measured on the pixels — two red double lines 170 mm long, the top one thick over thin under
the issuer mark, the closing one thin over thick about 20 mm above the bottom edge — and the text shows no
page number on page 1 and "— 2 —" on page 2. Page 1 is kept as test-artifacts/documents/letter-page1.png
for a person to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from documents.docx_writer import render_docx
from documents.pdf import docx_to_pdf
from tests.unit.test_documents__letter_layout import LETTER

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
DPI = 144
MM = DPI / 25.4  # pixels per millimetre


def _tools() -> None:
    missing = [t for t in ("soffice", "pdftoppm", "pdftotext") if shutil.which(t) is None]
    if missing and os.environ.get("CI"):
        pytest.fail(f"{', '.join(missing)} required in CI")
    if missing:
        pytest.skip(reason=f"libreoffice or poppler not installed: {', '.join(missing)}")


def _ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    magic, width, height, _maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P6"
    return int(width), int(height), pixels


def _red_bands(width: int, height: int, pixels: bytes) -> list[tuple[int, int, int, int]]:
    """Runs of rows that are red across more than 150 mm: (first row, last row, leftmost, rightmost column)."""
    rows = []
    for y in range(height):
        line = pixels[y * width * 3 : (y + 1) * width * 3]
        red = [x for x in range(width) if line[3 * x] > 150 and line[3 * x + 1] < 90 and line[3 * x + 2] < 90]
        rows.append((y, red[0], red[-1]) if len(red) > 150 * MM else None)
    bands: list[tuple[int, int, int, int]] = []
    for row in rows:
        if row is None:
            continue
        y, left, right = row
        if bands and bands[-1][1] == y - 1:
            first, _, l0, r0 = bands[-1]
            bands[-1] = (first, y, min(l0, left), max(r0, right))
        else:
            bands.append((y, y, left, right))
    return bands


@pytest.mark.slow
def test_letter_page_one_as_printed(tmp_path: Path) -> None:
    _tools()
    pdf = docx_to_pdf({"letter.docx": render_docx(LETTER)})["letter.pdf"]
    (tmp_path / "letter.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "letter.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2, "the sample letter runs onto a second page"
    assert "—1—" not in pages[0] and "示例办函〔2026〕1号" in pages[0], "首页不显示页码"
    assert "—2—" in pages[1], "page 2 is numbered"

    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "letter.pdf"),
         str(tmp_path / "page1")],
        check=True,
    )
    width, height, pixels = _ppm(tmp_path / "page1.ppm")
    bands = _red_bands(width, height, pixels)
    assert len(bands) == 4, f"two double lines, four red rules: {bands}"
    top = [b for b in bands if b[0] < height / 2]
    bottom = [b for b in bands if b[0] > height / 2]
    assert len(top) == 2 and len(bottom) == 2
    thickness = [b[1] - b[0] + 1 for b in bands]
    assert thickness[0] > thickness[1], "under the issuer mark: thick over thin (上粗下细)"
    assert thickness[2] < thickness[3], "at the foot: thin over thick (上细下粗)"
    for _first, _last, left, right in bands:
        assert abs((right - left + 1) / MM - 170) < 2, "each line is 170 mm long"
        assert abs(left / MM - 20) < 1.5, "centred on the page (20 mm from the left edge)"
    assert 40 < top[0][0] / MM < 60, "the top line under the issuer mark (mark at 30 mm, line 4 mm below it)"
    above_bottom = (height - 1 - bottom[1][1]) / MM
    assert 17 < above_bottom < 24, f"the closing line about 20 mm above the bottom edge ({above_bottom:.1f} mm)"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-singlefile", "-png", str(tmp_path / "letter.pdf"),
         str(ARTIFACTS / "letter-page1")],
        check=True,
    )
