"""Export every hit of a query: JSON lines, CSV, or a keyword-in-context table.

Writers take the hits as an iterable (`engine.all_hits`) and write each line
as it comes, so an export of the whole archive never holds it in memory.
"""

from __future__ import annotations

import csv
import json
import re
from typing import TextIO

from dateline.search.query import positive_terms
from dateline.search.snippets import find_occurrences

FORMATS = ("jsonl", "csv", "kwic")
CSV_COLUMNS = ("id", "date", "date_source", "title", "source", "author", "url", "people", "places",
               "tags", "similar", "score", "body")
KWIC_COLUMNS = ("id", "date", "field", "left", "match", "right")
KWIC_CONTEXT = 60  # characters of context on each side of a match
_SPACE = re.compile(r"\s+")


def write_export(hits, fmt: str, out: TextIO) -> int:
    """Write `hits` (an `engine.AllHits`) in `fmt`; returns the lines of data written."""
    if fmt == "jsonl":
        return _write_jsonl(hits, out)
    if fmt == "csv":
        return _write_csv(hits, out)
    if fmt == "kwic":
        return _write_kwic(hits, out)
    raise ValueError(f"unknown export format {fmt!r}")  # pragma: no cover - the CLI checks


def _write_jsonl(hits, out: TextIO) -> int:
    count = 0
    for hit in hits:
        record = {**hit.article.to_dict(), "score": round(hit.score, 4), "similar": hit.similar}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(hits, out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for hit in hits:
        a = hit.article
        writer.writerow([
            a.id, a.date.isoformat() if a.date else "", a.date_source or "", a.title,
            a.source or "", a.author or "", a.url or "", "; ".join(a.people), "; ".join(a.places),
            "; ".join(a.tags), hit.similar, round(hit.score, 4), a.body,
        ])
        count += 1
    return count


def _write_kwic(hits, out: TextIO) -> int:
    """One tab-separated line per occurrence of the query's words and phrases in
    every hit's title and body, in document order (a concordance)."""
    terms = list(positive_terms(hits.tree))
    out.write("\t".join(KWIC_COLUMNS) + "\n")
    count = 0
    for hit in hits:
        a = hit.article
        date = a.date.isoformat() if a.date else ""
        for field, text in (("title", a.title), ("body", a.body)):
            for left, match, right in kwic_lines(text, terms):
                out.write("\t".join((a.id, date, field, left, match, right)) + "\n")
                count += 1
    return count


def kwic_lines(text: str, terms, width: int = KWIC_CONTEXT):
    """(left context, match, right context) for every occurrence, on one line each."""
    for start, end in find_occurrences(text, terms):
        left = _one_line(text[max(0, start - width) : start])
        right = _one_line(text[end : end + width])
        yield left, _one_line(text[start:end]), right


def _one_line(text: str) -> str:
    """Tabs and line breaks would break the table: every run of space becomes one."""
    return _SPACE.sub(" ", text)
