"""The dashboard's search, filters and paging over its rows (a pure function)."""

from __future__ import annotations

from types import SimpleNamespace

from workflow.services.dashboard import PER_PAGE, filter_rounds


def _rows(n: int) -> list[dict[str, object]]:
    return [
        {
            "round": SimpleNamespace(doc_number=f"孝安办函〔{2025 + i % 2}〕{i}号", doc_year=2025 + i % 2),
            "draft": SimpleNamespace(
                title="安全生产" if i % 3 == 0 else "防汛",
                state="issued" if i % 2 else "deciding",
                issued_doc_number=f"孝政发〔2026〕{i}号" if i % 2 else None,
            ),
        }
        for i in range(1, n + 1)
    ]


def test_paging_keeps_every_row_once() -> None:
    rows = _rows(45)
    pages = [filter_rounds(rows, page=p) for p in (1, 2, 3)]
    assert [len(p["rounds"]) for p in pages] == [PER_PAGE, PER_PAGE, 5] and pages[0]["pages"] == 3
    assert filter_rounds(rows, page=99)["page"] == 3, "a page past the end shows the last"


def test_search_and_filters_combine() -> None:
    rows = _rows(12)
    assert filter_rounds(rows, q="安全生产")["matching"] == 4
    assert filter_rounds(rows, year="2026")["matching"] == 6
    assert filter_rounds(rows, state="issued", year="2026")["matching"] == 6
    assert filter_rounds(rows, state="deciding", year="2026")["matching"] == 0
    assert filter_rounds(rows, q="〕7号")["matching"] == 1
    assert filter_rounds(rows, q="孝政发〔2026〕7号")["matching"] == 1, "found by the number it was issued under"
    assert filter_rounds(rows)["years"] == ["2026", "2025"]
