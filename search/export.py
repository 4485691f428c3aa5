"""Export every hit of a query: JSON lines, CSV, or a keyword-in-context table.

The rows are made from the hits as an iterable (`engine.all_hits`) one at a
time and written (or streamed to the browser) as they come, so an export of
the whole archive never holds it in memory.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import TextIO

from dateline.search.query import positive_terms
from dateline.search.snippets import find_occurrences

FORMATS = ("jsonl", "csv", "kwic")
CSV_COLUMNS = ("id", "date", "date_source", "title", "source", "author", "url", "people", "places",
               "tags", "similar", "score", "body")
KWIC_COLUMNS = ("id", "date", "field", "left", "match", "right")
KWIC_CONTEXT = 60  # characters of context on each side of a match
_SPACE = re.compile(r"\s+")


# What a download is served as (media type, file extension).
MEDIA_TYPES = {"csv": ("text/csv; charset=utf-8", "csv"),
               "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
               "kwic": ("text/tab-separated-values; charset=utf-8", "tsv")}


def write_export(hits, fmt: str, out: TextIO) -> int:
    """Write `hits` (an `engine.AllHits`) in `fmt`; returns the lines of data written."""
    count = -1 if fmt in ("csv", "kwic") else 0  # their first line is the header
    for line in export_lines(hits, fmt):
        out.write(line)
        count += 1
    return count


def export_lines(hits, fmt: str) -> Iterator[str]:
    """The export as it is written, one row (with its line break) at a time:
    the CLI writes each to stdout, the page streams them as the download."""
    if fmt == "jsonl":
        return _jsonl(hits)
    if fmt == "csv":
        return _csv(hits)
    if fmt == "kwic":
        return _kwic(hits)
    raise ValueError(f"unknown export format {fmt!r}")  # pragma: no cover - callers check


def _jsonl(hits) -> Iterator[str]:
    for hit in hits:
        record = {**hit.article.to_dict(), "score": round(hit.score, 4), "similar": hit.similar}
        yield json.dumps(record, ensure_ascii=False) + "\n"


def _csv_row(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def _csv(hits) -> Iterator[str]:
    yield _csv_row(CSV_COLUMNS)
    for hit in hits:
        a = hit.article
        yield _csv_row([
            a.id, a.date.isoformat() if a.date else "", a.date_source or "", a.title,
            a.source or "", a.author or "", a.url or "", "; ".join(a.people), "; ".join(a.places),
            "; ".join(a.tags), hit.similar, round(hit.score, 4), a.body,
        ])


def _kwic(hits) -> Iterator[str]:
    """One tab-separated line per occurrence of the query's words and phrases in
    every hit's title and body, in document order (a concordance)."""
    terms = list(positive_terms(hits.tree))
    yield "\t".join(KWIC_COLUMNS) + "\n"
    for hit in hits:
        a = hit.article
        date = a.date.isoformat() if a.date else ""
        for field, text in (("title", a.title), ("body", a.body)):
            for left, match, right in kwic_lines(text, terms):
                yield "\t".join((a.id, date, field, left, match, right)) + "\n"


def kwic_lines(text: str, terms, width: int = KWIC_CONTEXT):
    """(left context, match, right context) for every occurrence, on one line each."""
    for start, end in find_occurrences(text, terms):
        left = _one_line(text[max(0, start - width) : start])
        right = _one_line(text[end : end + width])
        yield left, _one_line(text[start:end]), right


def _one_line(text: str) -> str:
    """Tabs and line breaks would break the table: every run of space becomes one."""
    return _SPACE.sub(" ", text)
