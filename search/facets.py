"""Facets over the whole result set (not the page): names with counts and a
date histogram whose bucket follows the span of the results."""

from __future__ import annotations

import calendar
import heapq
import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone, tzinfo

import numpy as np

from dateline.corpus.gazetteer import gazetteer
from dateline.index.schema import UNDATED, date_key, fold
from dateline.index.engine import Reader
from dateline.index.matches import Matches
from dateline.search.top_words import TopWords, top_words

FACET_FIELDS = {"people": "person_facet", "places": "place_facet",
                "sources": "source_facet", "tags": "tag_facet"}
TOP = 10


def compute_facets(reader: Reader, matches: Matches, *, top: int = TOP, tz: tzinfo = timezone.utc,
                   query_stems: set[str] = frozenset(), words: bool = True) -> tuple[dict, int]:
    """Facets over every match of a query (`matches`, from `reader`): the
    `top` values of each name field, the `top` words that set the matches
    apart (`search.top_words`; the query's own words, `query_stems`, left
    out; without `words`, an empty list: they cost most of a facet count),
    and a histogram counting days in `tz`, the home's zone, as date filters do.
    Returns (facets, how many matches the top words were read from: every
    match up to `top_words.SAMPLE`, a sample of about that many spread over
    them beyond; 0 if none)."""
    found, later = TopWords(), None
    if words and reader.counts_apart():
        # The engine counts without Python's lock: top words on another
        # thread while this one counts the names and the dates, so a request
        # takes the longer of the two, not both (the tantivy engine beyond
        # its tables: a million articles, `oil`, p50 143 -> 84 ms wall).
        later = _counting_threads().submit(top_words, reader, matches, exclude=query_stems, top=top)
    elif words:
        # Top words first: on the tantivy engine they read every match (up to
        # top_words.SAMPLE), which the name facets and the histogram then count
        # from instead of asking again.
        found = top_words(reader, matches, exclude=query_stems, top=top)
    facets = name_facets(reader, matches, top=top)
    dates = date_histogram(reader, matches, tz=tz)
    if later is not None:
        found = later.result()
    facets["words"] = list(found)
    facets["dates"] = dates
    return facets, found.read


_THREADS: ThreadPoolExecutor | None = None
_THREADS_LOCK = threading.Lock()
COUNTING_THREADS = 8  # as many requests at once as `serve`'s threads by default


def _counting_threads() -> ThreadPoolExecutor:
    """The threads top words are counted on beside their request's own (one
    pool for the process, started by the first request that needs it)."""
    global _THREADS
    with _THREADS_LOCK:
        if _THREADS is None:
            _THREADS = ThreadPoolExecutor(COUNTING_THREADS, thread_name_prefix="dateline-counts")
        return _THREADS


def _forget_threads() -> None:
    """In a forked child: the parent's pool has no threads there (a server
    that forks its workers after a first request would wait forever)."""
    global _THREADS, _THREADS_LOCK
    _THREADS, _THREADS_LOCK = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_threads)


def name_facets(reader: Reader, matches: Matches, *, top: int = TOP,
                names: tuple[str, ...] = tuple(FACET_FIELDS)) -> dict[str, list[dict]]:
    """The `top` values of each name field (of `names`: all by default) over
    every match, exact (one count of the fields, `Reader.facet_counts`);
    spellings merged and former states folded into their successor."""
    # Places are counted in full: folding a former state into its successor
    # needs both, however rare the successor is among the matches.
    counts = reader.facet_counts(matches, [FACET_FIELDS[name] for name in names],
                                 top={FACET_FIELDS[n]: top for n in names if n != "places"})
    facets = {}
    for name in names:
        field = FACET_FIELDS[name]
        merged = merge_spellings(counts[field])
        former = _former_states(merged) if name == "places" else {}
        facets[name] = [{"value": k, "count": v, **({"former": former[k]} if k in former else {})}
                        for k, v in heapq.nsmallest(top, merged.items(), key=_by_count)]
    return facets


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    """Most articles first, ties by value (`heapq.nsmallest` keeps only the
    `top` of a common word's 24,000 people instead of sorting them all)."""
    return -item[1], item[0]


_MICROSECONDS_A_DAY = 86_400_000_000


def date_histogram(reader: Reader, matches: Matches, *, tz: tzinfo = timezone.utc) -> dict:
    """`histogram(day_counts(...))` of every match, asked of the reader as a
    bar per bucket: the matches' first and last dates (`Reader.date_span`)
    choose the bucket, and the reader counts the matches between the
    moments each bucket starts at, midnight in `tz` (`Reader.count_dates`),
    so the engine counts a few dozen bars, not every day."""
    span = reader.date_span(matches)
    if span is None:
        return {"bucket": None, "buckets": []}
    first, last = (_local_day(value, tz) for value in span)
    bucket = bucket_for_span(first, last)
    starts = list(every_bucket(first, last, bucket))
    edges = [_midnight(day, tz) for day in starts]
    edges.append(_midnight(bucket_end(starts[-1], bucket) + timedelta(days=1), tz))
    counts = reader.count_dates(matches, edges)
    return {"bucket": bucket, "buckets": [{"start": start.isoformat(), "count": count}
                                          for start, count in zip(starts, counts) if count]}


def _local_day(value: int, tz: tzinfo) -> date:
    """The day in `tz` of a date column value (as `day_counts` counts it)."""
    offset = _offsets(np.array([value], dtype=np.int64), tz)[0]
    return date.fromordinal((value + int(offset)) // _MICROSECONDS_A_DAY + 1)


def _midnight(day: date, tz: tzinfo) -> int:
    """The date column value of the moment `day` starts in `tz` (where a
    zone skips midnight, the moment it skips to)."""
    return date_key(datetime(day.year, day.month, day.day, tzinfo=tz))


def day_counts(reader: Reader, docs, *, tz: tzinfo = timezone.utc) -> dict[str, int]:
    """{'2014-09-24': articles dated that day in `tz`} over `docs`, from the date column."""
    values = reader.date_values(docs)
    values = values[values != np.uint64(UNDATED)].astype(np.int64)
    days = (values + _offsets(values, tz)) // _MICROSECONDS_A_DAY
    found, counts = np.unique(days, return_counts=True)
    # The column counts microseconds from 0001-01-01, whose ordinal is 1.
    return {date.fromordinal(int(d) + 1).isoformat(): int(c) for d, c in zip(found, counts)}


def _offsets(values: np.ndarray, tz: tzinfo) -> np.ndarray:
    """Each moment's offset from UTC in `tz`, in microseconds. A zone's offset
    is looked up once per UTC day, at both ends; only on a day it changes
    (daylight saving) is each moment looked up."""
    if tz is timezone.utc or not len(values):
        return np.zeros(len(values), dtype=np.int64)
    utc_days, where = np.unique(values // _MICROSECONDS_A_DAY, return_inverse=True)
    starts = np.array([_offset(int(d) * _MICROSECONDS_A_DAY, tz) for d in utc_days])
    ends = np.array([_offset((int(d) + 1) * _MICROSECONDS_A_DAY - 1, tz) for d in utc_days])
    offsets = starts[where]
    for n in np.flatnonzero(starts[where] != ends[where]):
        offsets[n] = _offset(int(values[n]), tz)
    return offsets


def _offset(microseconds: int, tz: tzinfo) -> int:
    moment = datetime.min.replace(tzinfo=timezone.utc) + timedelta(microseconds=microseconds)
    return int(moment.astimezone(tz).utcoffset() / timedelta(microseconds=1))


def _former_states(places: dict[str, int]) -> dict[str, list[dict]]:
    """Former states folded into their successor, as the gazetteer maps them:
    an article placed in 'West Germany' holds 'Germany' too, so listing both
    would show one country twice. `places` loses each former state whose
    successor is among them; returns {successor: [{"value", "count"}]} (the
    former names under which its articles were filed)."""
    successor = gazetteer().successor
    former: dict[str, list[dict]] = {}
    for name in sorted(places, key=lambda n: (-places[n], n)):
        country = successor.get(name)
        if country in places:
            former.setdefault(country, []).append({"value": name, "count": places.pop(name)})
    return former


def merge_spellings(counts: Counter) -> dict[str, int]:
    """Values that differ only in case or accents ("Politics" from one site's
    section, "politics" from a feed) are one facet, as they are one filter:
    fields match folded. It is shown in its most common spelling. An article
    holds a value once, folded, so the sums count articles, not spellings.
    Only values whose folded form is shared are merged one by one: the
    people of a common word at a million articles are some 24,000 values,
    nearly all spelled one way (a Counter per value cost 116 CPU ms)."""
    keys = {}  # folded -> the first value folding to it
    shared: dict[str, list[str]] = {}  # folded -> every value folding to it, where several do
    for value in counts:
        if not value:
            continue
        key = fold(value)
        first = keys.setdefault(key, value)
        if first != value:
            shared.setdefault(key, [first]).append(value)
    merged = {value: counts[value] for value in keys.values()}
    for values in shared.values():
        del merged[values[0]]
        shown = max(values, key=lambda v: (counts[v], v))
        merged[shown] = sum(counts[v] for v in values)
    return merged


def histogram(day_counts: dict[str, int]) -> dict:
    """Counts per day ('2014-09-24') folded into day, week, month or year buckets."""
    if not day_counts:
        return {"bucket": None, "buckets": []}
    days = {date.fromisoformat(k): v for k, v in day_counts.items()}
    bucket = bucket_for_span(min(days), max(days))
    counts: Counter = Counter()
    for day, count in days.items():
        counts[bucket_start(day, bucket)] += count
    return {
        "bucket": bucket,
        "buckets": [{"start": k.isoformat(), "count": counts[k]} for k in sorted(counts)],
    }


def bucket_for_span(first: date, last: date) -> str:
    """The bucket that shows `first`..`last` in a few dozen bars at most."""
    span = (last - first).days
    return "day" if span <= 31 else "week" if span <= 200 else "month" if span <= 365 * 4 else "year"


def bucket_end(start: date, bucket: str) -> date:
    """The last day (inclusive) of the bucket that starts on `start`."""
    if bucket == "week":
        return start + timedelta(days=6)
    if bucket == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if bucket == "year":
        return start.replace(month=12, day=31)
    return start


def every_bucket(first: date, last: date, bucket: str):
    """Every bucket start from first's to last's, empty ones too: a gap must show as a gap."""
    start = bucket_start(first, bucket)
    while start <= last:
        yield start
        start = bucket_start(bucket_end(start, bucket) + timedelta(days=1), bucket)


def bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    if bucket == "year":
        return day.replace(month=1, day=1)
    return day
