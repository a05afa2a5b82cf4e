"""Tracking documents: the measures table rendered back in its columns with the month's progress filled
in (DOCX in GB/T 9704 layout, XLSX), the monthly summary, and the series behind the progress chart."""

from __future__ import annotations

import io
import json
from collections import Counter
from typing import Any

from documents.model import Cell, Heading, OfficialDocument, Paragraph, Table
from kernel.clock import Clock
from kernel.errors import NotFound
from kernel.timefmt import cn_datetime
from states.progress_round import COUNTED_NOT_REPORTED, PROGRESS_REQUEST_MACHINE, ProgressRequestState
from states.tracked_item import (
    PROGRESS_STATUS_LABELS,
    TRACKED_ITEM_MACHINE,
    ProgressStatus,
    TrackedItemState,
    is_overdue,
)
from storage.models import MeasureTable, ProgressRound, TrackedItem
from storage.uow import UnitOfWork
from workflow.parsing.measures_model import FIELD_LABELS
from workflow.services.tracking import today
from workflow.spreadsheet import safe_cell
from workflow.tracking.schedule import month_label

STATUS_TEXT = {s.value: label for s, label in PROGRESS_STATUS_LABELS.items()}
NOT_REPORTED = PROGRESS_REQUEST_MACHINE.label(ProgressRequestState.not_reported)  # 未报送
LATE = PROGRESS_REQUEST_MACHINE.label(ProgressRequestState.reported_late)  # 逾期报送


def _round(uow: UnitOfWork, office_id: int, month: str | None) -> ProgressRound | None:
    rounds = uow.tracking.rounds(office_id)
    if month is None:
        return rounds[-1] if rounds else None
    found = uow.tracking.round_by_month(office_id, month)
    if found is None:
        raise NotFound("PROGRESS_ROUND_NOT_FOUND", f"{month_label(month)}尚未发起进展报送。", month=month)
    return found


def _table(uow: UnitOfWork, office_id: int, table_id: int | None) -> MeasureTable:
    tables = uow.tracking.tables(office_id)
    table = next((t for t in tables if t.id == table_id), None) if table_id else (tables[-1] if tables else None)
    if table is None:
        raise NotFound("MEASURE_TABLE_NOT_FOUND", "尚无跟踪事项：请先导入整改措施表或印发重点任务分工。")
    return table


def item_progress(uow: UnitOfWork, rnd: ProgressRound | None) -> dict[int, list[str]]:
    """Per item, the month's lines: "市住建局：推进中。已完成选址3处", "市水利局：未报送", and a report sent
    after the due time as "市林业局：未报送；逾期报送（2024年10月26日9时）：推进中。…"."""
    if rnd is None:
        return {}
    out: dict[int, list[str]] = {}
    requests = {r.id: r for r in uow.tracking.requests(rnd.id or 0)}
    for report in uow.tracking.reports(rnd.id or 0):
        unit = requests[report.request_id].unit_name if report.request_id in requests else ""
        said = STATUS_TEXT.get(report.status, report.status) + (f"。{report.text}" if report.text else "")
        late = f"{NOT_REPORTED}；{LATE}（{cn_datetime(report.reported_at)}）：" if report.late else ""
        out.setdefault(report.item_id, []).append(f"{unit}：{late}{said}")
    for request in requests.values():
        if request.state == ProgressRequestState.not_reported:
            for item_id in json.loads(request.item_ids or "[]"):
                out.setdefault(int(item_id), []).append(f"{request.unit_name}：{NOT_REPORTED}")
    return out


def _flags(item: TrackedItem, clock: Clock) -> list[str]:
    flags = []
    if item.state == TrackedItemState.closed:
        flags.append("【已销号】")
    elif item.state == TrackedItemState.reported_done:
        flags.append("【已报完成，待销号】")
    if is_overdue(item.state, item.due_date, today(clock)):
        flags.append("【逾期】")
    if item.supervised and item.state != TrackedItemState.closed:
        flags.append(f"【挂牌督办：{item.supervision_note}】")
    return flags


def _progress_text(item: TrackedItem, lines: list[str], clock: Clock) -> str:
    return "".join(_flags(item, clock)) + ("\n" if _flags(item, clock) and lines else "") + "\n".join(lines)


def measures_rows(
    uow: UnitOfWork, clock: Clock, office_id: int, *, table_id: int | None = None, month: str | None = None
) -> dict[str, Any]:
    """The table in its source's columns, one row per problem (or task), the month's progress filled in."""
    table = _table(uow, office_id, table_id)
    rnd = _round(uow, office_id, month)
    progress = item_progress(uow, rnd)
    items = uow.tracking.items(office_id, table.id)
    rows: dict[int, list[TrackedItem]] = {}
    for item in items:
        rows.setdefault(item.row, []).append(item)
    out: list[dict[str, Any]] = []
    for number, group in rows.items():
        first = group[0]
        several = len(group) > 1
        measures = "\n".join(
            f"{i.measure_number}. {i.measure}" if i.measure_number and table.source != "draft" else i.measure
            for i in group
        )
        lines = []
        for i in group:
            text = _progress_text(i, progress.get(i.id or 0, []), clock)
            if text:
                lines.append(f"措施{i.measure_number}：{text}" if several and i.measure_number else text)
        out.append(
            {
                "row": number,
                "category": first.category,
                "problem": first.problem,
                "measures": measures,
                "provincial": first.provincial,
                "responsible": first.responsible.replace("\n", "；"),
                "due": first.due_text,
                "progress": "\n".join(lines),
                "item_ids": [i.id for i in group],
            }
        )
    return {"table": table, "round": rnd, "rows": out}


def _headers(table: MeasureTable) -> tuple[str, ...]:
    if table.source == "draft":
        return ("序号", "任务", "主要内容", "责任单位", "完成时限", FIELD_LABELS["progress"])
    source = json.loads(table.headers or "[]")
    measure = next((h for h in source if "措施" in h), FIELD_LABELS["measure"])
    return (
        FIELD_LABELS["category"],
        FIELD_LABELS["problem"],
        measure,
        FIELD_LABELS["provincial"],
        FIELD_LABELS["city"],
        FIELD_LABELS["due"],
        FIELD_LABELS["progress"],
    )


def _grid(data: dict[str, Any]) -> list[list[str]]:
    table: MeasureTable = data["table"]
    if table.source == "draft":
        return [
            [str(r["row"]), r["problem"], r["measures"], r["responsible"], r["due"], r["progress"]]
            for r in data["rows"]
        ]
    return [
        [r["category"], r["problem"], r["measures"], r["provincial"], r["responsible"], r["due"], r["progress"]]
        for r in data["rows"]
    ]


def measures_document(
    uow: UnitOfWork, clock: Clock, office_id: int, *, table_id: int | None = None, month: str | None = None
) -> OfficialDocument:
    data = measures_rows(uow, clock, office_id, table_id=table_id, month=month)
    grid = _grid(data)
    rows: list[tuple[Cell | str | None, ...]] = []
    if data["table"].source == "draft":
        rows = [tuple(r) for r in grid]
        widths: tuple[float, ...] = (12, 30, 110, 50, 20, 60)
    else:
        spans = Counter(r[0] for r in grid)
        seen: set[str] = set()
        for r in grid:
            first: Cell | str | None = None if r[0] in seen else Cell(r[0], row_span=spans[r[0]])
            seen.add(r[0])
            rows.append((first, *r[1:]))
        widths = (24, 50, 70, 30, 30, 16, 52)
    rnd = data["round"]
    title = data["table"].title + (f"（{month_label(rnd.month)}工作开展情况）" if rnd else "")
    return OfficialDocument(
        title=title,
        blocks=(Table(_headers(data["table"]), tuple(rows), widths),),
        landscape=True,
        kind_label="整改措施表",
    )


def measures_xlsx(
    uow: UnitOfWork, clock: Clock, office_id: int, *, table_id: int | None = None, month: str | None = None
) -> bytes:
    """The same table for Excel/WPS; every text cell formula-safe."""
    from openpyxl import Workbook  # the spreadsheet library is loaded only for this export
    from openpyxl.styles import Alignment, Font

    data = measures_rows(uow, clock, office_id, table_id=table_id, month=month)
    book = Workbook()
    sheet = book.active
    sheet.title = "整改措施表"
    sheet.append([safe_cell(h) for h in _headers(data["table"])])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _grid(data):
        sheet.append([safe_cell(v) for v in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFG", (18, 40, 50, 24, 24, 12, 40), strict=False):
        sheet.column_dimensions[column].width = width
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def progress_summary(uow: UnitOfWork, clock: Clock, office_id: int, month: str | None = None) -> dict[str, Any]:
    """The month in numbers: units reported / not reported, items done / overdue / supervised."""
    rnd = _round(uow, office_id, month)
    if rnd is None:
        raise NotFound("PROGRESS_ROUND_NOT_FOUND", "尚未发起进展报送。")
    requests = sorted(uow.tracking.requests(rnd.id or 0), key=lambda q: q.unit_name)
    by_state: dict[str, list[str]] = {s.value: [] for s in ProgressRequestState}
    for request in requests:
        by_state[request.state].append(request.unit_name)
    late = [
        {"unit": q.unit_name, "reported_at": q.reported_at.isoformat(), "reported_at_label": cn_datetime(q.reported_at)}
        for q in requests
        if q.state == ProgressRequestState.reported_late and q.reported_at is not None
    ]
    items = uow.tracking.items(office_id)
    on = today(clock)

    def brief(item: TrackedItem) -> dict[str, Any]:
        return {
            "id": item.id,
            "title": (item.measure or item.problem).split("\n")[0][:60],
            "due": item.due_text,
            "state": TRACKED_ITEM_MACHINE.label(item.state),
            "note": item.supervision_note,
        }

    statuses = Counter(r.status for r in uow.tracking.reports(rnd.id or 0) if not r.late)
    return {
        "round_id": rnd.id,
        "month": rnd.month,
        "month_label": month_label(rnd.month),
        "due": rnd.due.isoformat(),
        "state": rnd.state,
        "units": {
            "asked": len(requests),
            "reported": by_state[ProgressRequestState.reported],
            # silent at the due time, whether or not a late report came after (those are listed as well)
            "not_reported": [q.unit_name for q in requests if q.state in COUNTED_NOT_REPORTED],
            "reported_late": late,
            "pending": by_state[ProgressRequestState.pending],
        },
        "statuses": {STATUS_TEXT[s.value]: statuses.get(s.value, 0) for s in ProgressStatus},
        "items": {
            "total": len(items),
            "closed": [brief(i) for i in items if i.state == TrackedItemState.closed],
            "reported_done": [brief(i) for i in items if i.state == TrackedItemState.reported_done],
            "overdue": [brief(i) for i in items if is_overdue(i.state, i.due_date, on)],
            "supervised": [brief(i) for i in items if i.supervised and i.state != TrackedItemState.closed],
        },
    }


def summary_document(uow: UnitOfWork, clock: Clock, office_id: int, month: str | None = None) -> OfficialDocument:
    data = progress_summary(uow, clock, office_id, month)
    units, items = data["units"], data["items"]
    blocks: list[Any] = [
        Paragraph(
            f"{data['month_label']}应报送单位{units['asked']}家，已报送{len(units['reported'])}家，"
            f"未报送{len(units['not_reported'])}家"
            + (f"，尚在报送期内{len(units['pending'])}家" if units["pending"] else "")
            + f"。跟踪事项共{items['total']}项，已销号{len(items['closed'])}项，已报完成待销号"
            f"{len(items['reported_done'])}项，逾期未完成{len(items['overdue'])}项，挂牌督办{len(items['supervised'])}项。"
        ),
        Heading("一、未报送单位", 2),
        Paragraph(
            ("、".join(units["not_reported"]) or "无。")
            + (
                "（其中逾期报送："
                + "、".join(f"{x['unit']}于{x['reported_at_label']}" for x in units["reported_late"])
                + "）"
                if units["reported_late"]
                else ""
            )
        ),
        Heading("二、逾期未完成事项", 2),
    ]

    def listing(rows: list[dict[str, Any]], last: str) -> Any:
        if not rows:
            return Paragraph("无。")
        return Table(
            ("序号", "事项", "完成时限", last),
            tuple(
                (str(n), r["title"], r["due"], r["note"] if last == "督办要求" else r["state"])
                for n, r in enumerate(rows, 1)
            ),
            (14, 90, 24, 28),
        )

    blocks += [
        listing(items["overdue"], "状态"),
        Heading("三、挂牌督办事项", 2),
        listing(items["supervised"], "督办要求"),
        Heading("四、已销号事项", 2),
        listing(items["closed"], "状态"),
    ]
    return OfficialDocument(
        title=f"{data['month_label']}重点任务推进情况通报", blocks=tuple(blocks), kind_label="进展汇总"
    )


def progress_series(uow: UnitOfWork, office_id: int) -> list[dict[str, Any]]:
    """Per month: how many item reports had each status, and how many units did not report (the chart)."""
    series = []
    for rnd in uow.tracking.rounds(office_id):
        statuses = Counter(r.status for r in uow.tracking.reports(rnd.id or 0) if not r.late)
        silent = sum(1 for r in uow.tracking.requests(rnd.id or 0) if r.state in COUNTED_NOT_REPORTED)
        series.append(
            {
                "month": rnd.month,
                "label": month_label(rnd.month),
                "statuses": {s.value: statuses.get(s.value, 0) for s in ProgressStatus},
                "not_reported": silent,
            }
        )
    return series
