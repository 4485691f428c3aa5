"""Facet counts over every hit, from a table of each document's values that
is built once per index segment and kept while the segment lives.

Whoosh's generic `FieldFacet(allow_overlap=True)` rebuilds that table from
the field's postings for every query, over the whole index: on a large
archive that alone takes about a second a query. A segment never changes once
written, so its table stays valid until the segment is merged away or its
reader closed; the cache is keyed weakly by the segment reader, so a
refreshed searcher keeps the tables of the segments it shares with the old
one and builds only the new ones.
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from itertools import chain

import numpy as np

# segment reader -> {field: [values of document 0, of document 1, ...]}
_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
_NONE: tuple = ()


def _segment_table(reader, field: str) -> list[tuple[str, ...]]:
    with _LOCK:
        tables = _TABLES.setdefault(reader, {})
        if field not in tables:
            lists: list[list[str]] = [[] for _ in range(reader.doc_count_all())]
            if field in reader.schema:
                for term in reader.lexicon(field):
                    text = term.decode("utf-8")
                    for docnum in reader.postings(field, term).all_ids():
                        lists[docnum].append(text)
            tables[field] = [tuple(values) if values else _NONE for values in lists]
        return tables[field]


def count_values(searcher, docs, fields: list[str]) -> dict[str, Counter]:
    """{field: Counter(value -> documents with that value)} over `docs`, the
    matching global document numbers in ascending order (a numpy array)."""
    counts = {field: Counter() for field in fields}
    for segment, offset in searcher.leaf_searchers():
        reader = segment.reader()
        lo, hi = np.searchsorted(docs, [offset, offset + reader.doc_count_all()])
        docnums = (docs[lo:hi] - offset).tolist()
        if not docnums:
            continue
        for field in fields:
            rows = _segment_table(reader, field)
            counts[field].update(chain.from_iterable(map(rows.__getitem__, docnums)))
    return counts
