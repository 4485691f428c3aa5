"""The compare chart's geometry: one line per query over shared buckets, a
y-axis with round ticks and dates along the x-axis, laid out for inline SVG.

Numbers come from `search.compare.Comparison`; this module only places them.
The tick and label helpers are shared with the results histogram.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from dateline.search.compare import Comparison
from dateline.search.facets import bucket_end
from dateline.search.web.histogram import bucket_label

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 60, 16, 12, 44  # room for tick values and date labels
SERIES_STYLES = 6  # .series-0 … .series-5 in style.css: a colour and a dash each


@dataclass
class Point:
    x: float
    y: float
    start: date
    end: date
    count: int
    share: float


@dataclass
class Line:
    query: str
    total: int
    style: int
    points: list[Point] = field(default_factory=list)

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if n == 0 else 'L'}{p.x},{p.y}" for n, p in enumerate(self.points))


@dataclass
class LineChart:
    bucket: str
    share: bool
    lines: list[Line]
    y_ticks: list[tuple[float, str]]  # (y, label)
    x_labels: list[tuple[float, str]]  # (x, label)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    def label(self, point: Point) -> str:
        return bucket_label(point.start, self.bucket)


def nice_ticks(peak: float, count: int = 4) -> list[float]:
    """0 and round steps (1, 2 or 5 times a power of ten) up to at least `peak`."""
    if peak <= 0:
        return [0.0, 1.0]
    raw = peak / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [step * n for n in range(int(math.ceil(peak / step - 1e-9)) + 1)]


def tick_label(value: float, share: bool) -> str:
    if share:
        return f"{100 * value:.3g}%"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def label_every(count: int, room: int = 8) -> int:
    """Label every n-th bucket so that at most `room` labels share the axis."""
    return max(1, math.ceil(count / room))


def build_line_chart(comparison: Comparison, *, share: bool = False) -> LineChart | None:
    if not comparison.starts:
        return None
    values = [comparison.share(s) if share else s.counts for s in comparison.series]
    ticks = nice_ticks(max(max(v) for v in values))
    peak = ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(comparison.starts)

    def x_at(i: int) -> float:
        return round(LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 2)

    def y_at(value: float) -> float:
        return round(TOP + plot_h * (1 - value / peak), 2)

    lines = []
    for style, (series, series_values) in enumerate(zip(comparison.series, values)):
        line = Line(series.query, series.total, style % SERIES_STYLES)
        for i, start in enumerate(comparison.starts):
            line.points.append(Point(x_at(i), y_at(series_values[i]), start,
                                     bucket_end(start, comparison.bucket), series.counts[i],
                                     comparison.share(series)[i]))
        lines.append(line)
    every = label_every(n)
    return LineChart(
        comparison.bucket, share, lines,
        y_ticks=[(y_at(t), tick_label(t, share)) for t in ticks],
        x_labels=[(x_at(i), bucket_label(s, comparison.bucket).removeprefix("week of "))
                  for i, s in enumerate(comparison.starts) if i % every == 0],
    )
