"""Facet counts over every hit, from a table of each document's values that
is built once per index segment and kept while the segment lives.

Whoosh's generic `FieldFacet(allow_overlap=True)` rebuilds that table from
the field's postings for every query, over the whole index: on a large
archive that alone takes about a second a query. A segment never changes once
written, so its table (over all its documents, deleted ones included: only
live matches are ever counted) stays valid as long as the segment lives. The
tables are kept with the segment's other arrays (`postings.SegmentData`), so
a searcher opened after a change reuses the tables of the segments it shares
with the old one and builds only the new ones.
"""

from __future__ import annotations

import threading
from collections import Counter
from itertools import chain

import numpy as np

from dateline.index.whoosh_engine.postings import segment_arrays

_LOCK = threading.Lock()


class _Table:
    """One field's values per document of a segment, in compressed-row form:
    document d holds values[ids[starts[d]:starts[d + 1]]]. Counting the values
    of many documents is then one gather and one bincount in numpy."""

    def __init__(self, reader, field: str):
        per_doc: list[list[int]] = [[] for _ in range(reader.doc_count_all())]
        self.values: list[str] = []
        if field in reader.schema:
            segment = segment_arrays(reader)
            for term in reader.lexicon(field):
                number = len(self.values)
                self.values.append(term.decode("utf-8"))
                for docnum in segment.postings(field, self.values[-1])[0].tolist():
                    per_doc[docnum].append(number)
        lengths = np.fromiter((len(v) for v in per_doc), dtype=np.int64, count=len(per_doc))
        self.starts = np.zeros(len(per_doc) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.starts[1:])
        self.ids = np.fromiter(chain.from_iterable(per_doc), dtype=np.int64,
                               count=int(self.starts[-1]))

    def count(self, docnums: np.ndarray) -> Counter:
        lengths = self.starts[docnums + 1] - self.starts[docnums]
        total = int(lengths.sum())
        if not total:
            return Counter()
        # Positions of every value of every chosen document, without a Python loop.
        firsts = np.repeat(self.starts[docnums] - np.cumsum(lengths) + lengths, lengths)
        counts = np.bincount(self.ids[firsts + np.arange(total)], minlength=len(self.values))
        return Counter({self.values[i]: int(counts[i]) for i in np.flatnonzero(counts)})


def _segment_table(reader, field: str) -> _Table:
    tables = segment_arrays(reader).data.tables
    with _LOCK:
        if ("facet", field) not in tables:
            tables[("facet", field)] = _Table(reader, field)
        return tables[("facet", field)]


def count_values(searcher, docs, fields: list[str]) -> dict[str, Counter]:
    """{field: Counter(value -> documents with that value)} over `docs`, the
    matching global document numbers in ascending order (a numpy array)."""
    counts = {field: Counter() for field in fields}
    for segment, offset in searcher.leaf_searchers():
        reader = segment.reader()
        lo, hi = np.searchsorted(docs, [offset, offset + reader.doc_count_all()])
        if lo == hi:
            continue
        docnums = docs[lo:hi] - offset
        for field in fields:
            counts[field].update(_segment_table(reader, field).count(docnums))
    return counts
