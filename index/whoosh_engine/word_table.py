"""Each article's distinct words, per Whoosh segment, for top words
(`search/top_words.py`): one table per index segment, from the body field's
postings (`postings.py`), built once and kept while the segment lives, as the
facet tables are. A query's counts are then one gather and one bincount over
its matches (or over the rest of the archive, whichever is smaller).
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from dateline.index.whoosh_engine.postings import segment_arrays

WORD_FIELD = "body_exact"
# A word in more than this share of a segment's articles ('the', 'said') is
# not tabled: it cannot set a result set apart, and it is most of the table.
# Small segments (an update's) table every word, so the cut does not depend on
# how few articles one update brought; a word cut in any segment is dropped.
COMMON_SHARE = 0.2
COMMON_FROM = 1000  # articles in a segment before the cut applies

_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # segment reader -> _WordTable
_LOCK = threading.Lock()


class _WordTable:
    """One segment's articles' distinct words in compressed-row form:
    article d holds words[ids[starts[d]:starts[d + 1]]]; `everywhere` counts
    the live (not deleted) articles holding each word."""

    def __init__(self, reader):
        arrays = segment_arrays(reader)
        size = reader.doc_count_all()
        self.words: list[str] = []
        self.common: set[str] = set()
        docs_of, word_of = [], []
        if WORD_FIELD in reader.schema:
            most = int(COMMON_SHARE * size) if size >= COMMON_FROM else size
            for term in reader.lexicon(WORD_FIELD):
                word = term.decode("utf-8")
                if word.isdigit():
                    continue  # numbers say little without their context
                ids = arrays.postings(WORD_FIELD, word)[0]
                if len(ids) > most:
                    self.common.add(word)
                    continue
                docs_of.append(ids)
                word_of.append(np.full(len(ids), len(self.words), dtype=np.int32))
                self.words.append(word)
        docs = np.concatenate(docs_of) if docs_of else np.empty(0, dtype=np.int64)
        word_ids = np.concatenate(word_of) if word_of else np.empty(0, dtype=np.int32)
        order = np.argsort(docs, kind="stable")
        self.ids = word_ids[order]
        self.starts = np.searchsorted(docs[order], np.arange(size + 1)).astype(np.int64)
        self.index = {word: i for i, word in enumerate(self.words)}
        self.live = np.ones(size, dtype=bool)
        self.live[arrays.deleted] = False
        self.live_count = int(self.live.sum())
        self.everywhere = self.count(np.flatnonzero(self.live))

    def count(self, docnums: np.ndarray) -> np.ndarray:
        """Articles among `docnums` (local, ascending) holding each word."""
        lengths = self.starts[docnums + 1] - self.starts[docnums]
        total = int(lengths.sum())
        if not total:
            return np.zeros(len(self.words), dtype=np.int64)
        firsts = np.repeat(self.starts[docnums] - np.cumsum(lengths) + lengths, lengths)
        return np.bincount(self.ids[firsts + np.arange(total)], minlength=len(self.words))

    def count_matches(self, docnums: np.ndarray) -> np.ndarray:
        """`count` of the matches, read from the smaller side: a query matching
        most of the archive counts the articles it does not match instead."""
        if 2 * len(docnums) <= self.live_count:
            return self.count(docnums)
        rest = self.live.copy()
        rest[docnums] = False
        return self.everywhere - self.count(np.flatnonzero(rest))


def _word_table(reader) -> _WordTable:
    with _LOCK:
        table = _TABLES.get(reader)
        if table is None:
            table = _TABLES[reader] = _WordTable(reader)
        return table


def word_document_counts(searcher, docs: np.ndarray) -> tuple[dict[str, tuple[int, int]], int]:
    """({word: (matches holding it, archive articles holding it)}, archive
    articles), for words in at least one of `docs` (ascending global docnums)."""
    counts: dict[str, list[int]] = {}
    tables = []
    for segment, offset in searcher.leaf_searchers():
        reader = segment.reader()
        table = _word_table(reader)
        tables.append(table)
        lo, hi = np.searchsorted(docs, [offset, offset + reader.doc_count_all()])
        if lo == hi:
            continue
        found = table.count_matches(docs[lo:hi] - offset)
        for i in np.flatnonzero(found).tolist():
            counts.setdefault(table.words[i], [0, 0])[0] += int(found[i])
    for table in tables:  # the archive's counts, from every segment
        for word, pair in counts.items():
            if (i := table.index.get(word)) is not None:
                pair[1] += int(table.everywhere[i])
    common = set().union(*(t.common for t in tables)) if len(tables) > 1 else set()
    return ({w: (fg, bg) for w, (fg, bg) in counts.items() if w not in common},
            sum(t.live_count for t in tables))


