"""Attention over time: how many articles each of several queries matches per
day, week, month or year, beside the archive's coverage over the same buckets.

One library call, `compare(archive, queries, ...)`, behind `dateline compare`,
`/compare` and `/api/compare`: the CLI and the page only read options and
format. Counts are articles (near-duplicate copies included, as coverage
counts them), so a share is matches / coverage in the same bucket.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone

from dateline.search.archive import Archive
from dateline.search.engine import SearchError, build_tree, find_matches
from dateline.search.facets import bucket_for_span, bucket_start, day_counts, every_bucket
from dateline.search.options import Filters

MAX_QUERIES = 6


@dataclass(frozen=True)
class Series:
    query: str
    total: int  # every matching article, dated or not
    counts: tuple[int, ...]  # per bucket, aligned with Comparison.starts


@dataclass(frozen=True)
class Comparison:
    bucket: str | None  # None when nothing matched on any date
    starts: tuple[date, ...]
    series: tuple[Series, ...]
    coverage: tuple[int, ...]  # every article of the archive (within the date and source filters)

    def share(self, series: Series) -> tuple[float, ...]:
        """The series as a fraction of coverage, bucket by bucket (0 where none)."""
        return tuple(c / all_ if all_ else 0.0 for c, all_ in zip(series.counts, self.coverage))

    def to_json(self) -> dict:
        def buckets(counts):
            return [{"start": s.isoformat(), "count": c} for s, c in zip(self.starts, counts)]

        return {
            "series": [{"query": s.query, "total": s.total, "buckets": buckets(s.counts)}
                       for s in self.series],
            "coverage": {"buckets": buckets(self.coverage)},
            "bucket": self.bucket,
        }

    def csv_rows(self):
        """A table: one row per bucket, a column per query, then coverage."""
        yield ["start", *(s.query for s in self.series), "coverage"]
        for n, start in enumerate(self.starts):
            yield [start.isoformat(), *(s.counts[n] for s in self.series), self.coverage[n]]


def compare(archive: Archive, queries: list[str], filters: Filters = Filters(), *,
            now: datetime | None = None) -> Comparison:
    """Each query's matching articles per bucket, `filters` applying to every
    query; coverage is every article within the date and source filters (the
    collection the share is of). Raises QuerySyntaxError or SearchError."""
    queries = [q for q in queries if q.strip()]
    if not queries:
        raise SearchError("nothing to compare: give one to six queries")
    if len(queries) > MAX_QUERIES:
        raise SearchError(f"at most {MAX_QUERIES} queries can be compared, not {len(queries)}")
    now = now or datetime.now(timezone.utc)
    searcher = archive.reader()
    per_query = []
    for query in queries:
        matches = find_matches(searcher, build_tree(query, filters, now=now, tz=archive.tz))
        per_query.append((query, len(matches), _days(day_counts(searcher, matches.ids, tz=archive.tz))))
    collection = Filters(since=filters.since, until=filters.until, source=filters.source)
    everything = find_matches(searcher, build_tree("*", collection, now=now, tz=archive.tz))
    coverage_days = _days(day_counts(searcher, everything.ids, tz=archive.tz))
    matched_days = [day for _, _, days in per_query for day in days]
    if not matched_days:
        empty = tuple(Series(q, total, ()) for q, total, _ in per_query)
        return Comparison(None, (), empty, ())
    bucket = bucket_for_span(min(matched_days), max(matched_days))
    starts = tuple(every_bucket(min(matched_days), max(matched_days), bucket))
    series = tuple(Series(q, total, _bucketed(days, bucket, starts)) for q, total, days in per_query)
    return Comparison(bucket, starts, series, _bucketed(coverage_days, bucket, starts))


def _days(counts: dict[str, int]) -> dict[date, int]:
    return {date.fromisoformat(day): n for day, n in counts.items()}


def _bucketed(days: dict[date, int], bucket: str, starts: tuple[date, ...]) -> tuple[int, ...]:
    folded: Counter = Counter()
    for day, n in days.items():
        folded[bucket_start(day, bucket)] += n
    return tuple(folded[start] for start in starts)
