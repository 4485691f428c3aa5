"""Facets over the whole result set (not the page): names with counts and a
date histogram whose bucket follows the span of the results."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from whoosh import sorting

FACET_FIELDS = {"people": "person_facet", "places": "place_facet",
                "sources": "source_facet", "tags": "tag_facet"}
TOP = 10


def compute_facets(searcher, wquery, *, top: int = TOP) -> dict:
    groups = {name: sorting.FieldFacet(field, allow_overlap=True, maptype=sorting.Count)
              for name, field in FACET_FIELDS.items()}
    groups["day"] = sorting.FieldFacet("day", maptype=sorting.Count)
    results = searcher.search(wquery, limit=None, groupedby=groups, scored=False)
    facets = {}
    for name in FACET_FIELDS:
        counts = results.groups(name)
        ordered = sorted(((k, v) for k, v in counts.items() if k), key=lambda kv: (-kv[1], kv[0]))
        facets[name] = [{"value": k, "count": v} for k, v in ordered[:top]]
    days = {k: v for k, v in results.groups("day").items() if k}
    facets["dates"] = histogram(days)
    return facets


def histogram(day_counts: dict[str, int]) -> dict:
    """Counts per day ('2014-09-24') folded into day, week, month or year buckets."""
    if not day_counts:
        return {"bucket": None, "buckets": []}
    days = {date.fromisoformat(k): v for k, v in day_counts.items()}
    span = (max(days) - min(days)).days
    bucket = "day" if span <= 31 else "week" if span <= 200 else "month" if span <= 365 * 4 else "year"
    counts: Counter = Counter()
    for day, count in days.items():
        counts[bucket_start(day, bucket)] += count
    return {
        "bucket": bucket,
        "buckets": [{"start": k.isoformat(), "count": counts[k]} for k in sorted(counts)],
    }


def bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    if bucket == "year":
        return day.replace(month=1, day=1)
    return day
