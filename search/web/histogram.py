"""The results-over-time chart: matches per bucket above the archive's own
coverage per bucket, laid out as inline SVG bars.

Counts come from the engine's date facets (`results.facets["dates"]`); this
module only aligns buckets and computes bar geometry. The coverage query may
land on a coarser bucket than the matches (its span can be wider), so both
are folded onto the coarser one: a bar then always compares like with like.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from dateline.search.facets import bucket_end, bucket_start, every_bucket

BUCKETS = ("day", "week", "month", "year")
WIDTH, HEIGHT, COVERAGE_HEIGHT = 600, 120, 48


@dataclass
class Bar:
    start: date
    end: date  # inclusive: the `until` of the link that narrows to this bar
    matches: int
    coverage: int = 0
    sources: list[tuple[str, int]] = field(default_factory=list)  # coverage by source
    x: float = 0.0
    width: float = 0.0
    height: float = 0.0
    coverage_height: float = 0.0
    # What the template writes, worked out once here (`_lay_out`), not by
    # template calls: a page's chart has a few dozen bars and a table row each.
    label: str = ""  # "Mar 1987", "week of 1987-03-02"
    summary: str = ""  # "Mar 1987: 1,234 matches of 5,678 articles (21.7%)"
    coverage_title: str = ""  # "Mar 1987: 5,678 articles in the archive"
    matches_text: str = ""
    coverage_text: str = ""
    share_text: str = ""  # a percentage, one decimal
    sources_text: list[tuple[str, str]] = field(default_factory=list)
    since: str = ""  # the link's dates (ISO)
    until: str = ""
    y: float = 0.0  # the bar's top in the chart
    href: str = ""  # the results narrowed to the bar's dates (set by the page: it depends on the request)

    @property
    def share(self) -> float:
        return self.matches / self.coverage if self.coverage else 0.0


@dataclass
class Histogram:
    bucket: str
    bars: list[Bar]
    share: bool  # bar heights are matches as a share of coverage
    y_ticks: list[tuple[float, str]] = field(default_factory=list)  # (% from the bottom, label)
    x_labels: list[tuple[float, str]] = field(default_factory=list)  # (% from the left, label)
    width: int = WIDTH
    height: int = HEIGHT
    coverage_height: int = COVERAGE_HEIGHT

    def label(self, bar: Bar) -> str:
        return bucket_label(bar.start, self.bucket)


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


def bucket_label(start: date, bucket: str) -> str:
    if bucket == "year":
        return str(start.year)
    if bucket == "month":
        return start.strftime("%b %Y")
    if bucket == "week":
        return f"week of {start.isoformat()}"
    return start.isoformat()


def span(dates_facet: dict) -> tuple[date, date] | None:
    """First and last day the buckets cover (bounds for the coverage query)."""
    buckets = dates_facet.get("buckets") or []
    if not buckets:
        return None
    first = date.fromisoformat(buckets[0]["start"])
    last = bucket_end(date.fromisoformat(buckets[-1]["start"]), dates_facet["bucket"])
    return first, last


def _fold(dates_facet: dict, bucket: str) -> Counter:
    counts: Counter = Counter()
    for item in dates_facet.get("buckets") or []:
        counts[bucket_start(date.fromisoformat(item["start"]), bucket)] += item["count"]
    return counts


def _coarser(*buckets: str | None) -> str:
    return max((b for b in buckets if b), key=BUCKETS.index, default="day")


def build_histogram(matches: dict, coverage: dict | None = None,
                    coverage_by_source: dict[str, dict] | None = None,
                    *, share: bool = False) -> Histogram | None:
    """Bars for the match buckets, with coverage (and its sources) when given."""
    if not matches.get("buckets"):
        return None
    coverage = coverage or {}
    bucket = _coarser(matches.get("bucket"), coverage.get("bucket"))
    matched = _fold(matches, bucket)
    covered = _fold(coverage, bucket)
    by_source = {name: _fold(facet, bucket) for name, facet in (coverage_by_source or {}).items()}
    bars = []
    for start in every_bucket(min(matched), max(matched), bucket):
        sources = sorted(((name, counts[start]) for name, counts in by_source.items() if counts[start]),
                         key=lambda item: (-item[1], item[0]))
        bars.append(Bar(start, bucket_end(start, bucket), matched[start], covered[start], sources))
    chart = Histogram(bucket, bars, share=share and bool(covered))
    _lay_out(chart)
    return chart


def _lay_out(chart: Histogram) -> None:
    slot = chart.width / len(chart.bars)
    gap = min(2.0, slot * 0.15)
    value = (lambda b: b.share) if chart.share else (lambda b: b.matches)
    ticks = nice_ticks(max(value(b) for b in chart.bars))
    peak = ticks[-1]
    chart.y_ticks = [(round(100 * t / peak, 2), tick_label(t, chart.share)) for t in ticks]
    every = label_every(len(chart.bars), room=6)
    chart.x_labels = [(round(100 * (n + 0.5) / len(chart.bars), 2), chart.label(bar).removeprefix("week of "))
                      for n, bar in enumerate(chart.bars) if n % every == 0]
    peak_coverage = max(b.coverage for b in chart.bars) or 1
    for n, bar in enumerate(chart.bars):
        bar.x = round(n * slot + gap / 2, 2)
        bar.width = round(max(slot - gap, 0.5), 2)
        # A bar with any match stays visible: one article among thousands counts.
        bar.height = round(max(chart.height * value(bar) / peak, 1.5 if bar.matches else 0), 2)
        bar.coverage_height = round(max(chart.coverage_height * bar.coverage / peak_coverage,
                                        1.5 if bar.coverage else 0), 2)
        bar.y = chart.height - bar.height
        bar.label = chart.label(bar)
        bar.matches_text, bar.coverage_text = f"{bar.matches:,}", f"{bar.coverage:,}"
        bar.share_text = "%.1f" % (100 * bar.share)
        bar.summary = (f"{bar.label}: {bar.matches_text} match{'' if bar.matches == 1 else 'es'}"
                       + (f" of {bar.coverage_text} articles ({bar.share_text}%)" if bar.coverage else ""))
        bar.coverage_title = (f"{bar.label}: {bar.coverage_text} article{'' if bar.coverage == 1 else 's'}"
                              " in the archive")
        bar.sources_text = [(name, f"{count:,}") for name, count in bar.sources]
        bar.since, bar.until = bar.start.isoformat(), bar.end.isoformat()
