"""Server-rendered bar charts: the geometry of an accessible SVG (``metrics/_chart.html`` draws it,
each bar with its value in a <title>, the whole with a title and description, and the page puts
the same figures in a table beside it). No JavaScript, no external script or font."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 320
BAR_AREA = 220  # the bars' width at 100%
ROW = 26  # height of one bar's row
LABEL = 92  # the labels' column


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | None
    maximum: Decimal | int
    y: int
    width: int
    text: str  # the value as shown
    tone: str  # "good", "bad", or "" (a CSS class)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_width: int = LABEL


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    items: list[tuple[str, Decimal | int | None, Decimal | int]],
    *,
    tones: list[str] | None = None,
    unit: str = "",
) -> Chart:
    """``items``: (label, value, maximum); a value of None is drawn as no bar and "—"."""
    bars = []
    for index, (label, value, maximum) in enumerate(items):
        share = Decimal(value) / Decimal(maximum) if value is not None and maximum else Decimal(0)
        width = max(0, min(BAR_AREA, int(share * (WIDTH - LABEL - 40))))
        text = "—" if value is None else f"{value}{unit}"
        bars.append(
            Bar(label, value, maximum, index * ROW + 4, width, text, (tones or [""] * len(items))[index])
        )
    return Chart(chart_id, title, description, bars, height=len(items) * ROW + 8)
