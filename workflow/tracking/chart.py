"""The progress chart as geometry: one stacked bar per month (reports by status, then units that did
not report), drawn by the page as inline SVG — no script, nothing the CSP would have to allow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SERIES = (
    ("done", "已完成", "#2e7d32"),
    ("in_progress", "推进中", "#1565c0"),
    ("not_started", "未开始", "#9e9e9e"),
    ("blocked", "受阻", "#ef6c00"),
    ("not_reported", "未报送（单位）", "#b71c1c"),
)
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 260, 40, 40, 16


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, str]]  # (x centre, month label)
    ticks: list[tuple[float, int]]  # (y, value)
    legend: list[tuple[str, str]]  # (label, colour)


def progress_chart(series: list[dict[str, Any]]) -> Chart:
    """``series`` from ``reports.tracking.progress_series``."""
    totals = [sum(m["statuses"].values()) + m["not_reported"] for m in series] or [0]
    top = max(max(totals), 1)
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(series), 1)
    bar_w = min(60.0, slot * 0.6)
    bars: list[Bar] = []
    labels: list[tuple[float, str]] = []
    for n, month in enumerate(series):
        x = LEFT + slot * n + (slot - bar_w) / 2
        y = float(HEIGHT - BOTTOM)
        for key, label, colour in SERIES:
            value = month["not_reported"] if key == "not_reported" else month["statuses"].get(key, 0)
            if not value:
                continue
            h = plot_h * value / top
            y -= h
            bars.append(
                Bar(
                    round(x, 1), round(y, 1), round(bar_w, 1), round(h, 1), colour, f"{month['label']} {label}：{value}"
                )
            )
        labels.append((round(x + bar_w / 2, 1), month["label"]))
    step = max(1, -(-top // 4))
    ticks = [(round(HEIGHT - BOTTOM - plot_h * v / top, 1), v) for v in range(0, top + 1, step)]
    return Chart(WIDTH, HEIGHT, bars, labels, ticks, [(label, colour) for _k, label, colour in SERIES])
