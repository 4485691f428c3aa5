"""The compare chart's geometry: one line per query over shared buckets, a
y-axis with round ticks and dates along the x-axis, laid out for inline SVG.

Numbers come from `search.compare.Comparison`; this module only places them
(with the tick and label helpers of the results histogram).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateline.search.compare import Comparison
from dateline.search.facets import bucket_end
from dateline.search.web.histogram import bucket_label, label_every, nice_ticks, tick_label

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
