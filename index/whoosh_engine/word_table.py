"""Each article's distinct words, per Whoosh segment, for top words
(`search/top_words.py`): one table per index segment, from the body field's
postings (`postings.py`), built once and kept while the segment lives, as the
facet tables are. A query's counts are then one gather and one bincount over
its matches (or over the rest of the archive, whichever is smaller), as
arrays aligned with the table's words: top words score them all at once.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from dateline.index.matches import WordCounts
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


class _Vocabulary:
    """The words of several segments' tables as one list: each table's word
    numbers mapped to it, the archive's counts summed, and the words cut as
    common in any segment marked (they are dropped, as in one segment)."""

    def __init__(self, tables: list[_WordTable]):
        index: dict[str, int] = {}
        self.maps = [np.array([index.setdefault(w, len(index)) for w in t.words], dtype=np.int64)
                     for t in tables]
        self.words = list(index)
        self.everywhere = self.total([t.everywhere for t in tables])
        common = set().union(*(t.common for t in tables))
        self.kept = np.ones(len(self.words), dtype=bool)
        self.kept[[index[w] for w in common if w in index]] = False

    def total(self, per_table: list[np.ndarray]) -> np.ndarray:
        """Per-table counts summed per word."""
        summed = np.zeros(len(self.words), dtype=np.int64)
        for mapping, counts in zip(self.maps, per_table):
            summed += np.bincount(mapping, weights=counts, minlength=len(self.words)).astype(np.int64)
        return summed


_VOCABULARIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # searcher -> _Vocabulary


def word_document_counts(searcher, docs: np.ndarray) -> WordCounts:
    """For every word tabled in the searcher's segments: the articles among
    `docs` (ascending global docnums) holding it, and the archive's."""
    tables, found = [], []
    for segment, offset in searcher.leaf_searchers():
        reader = segment.reader()
        table = _word_table(reader)
        tables.append(table)
        lo, hi = np.searchsorted(docs, [offset, offset + reader.doc_count_all()])
        found.append(table.count_matches(docs[lo:hi] - offset) if lo < hi
                     else np.zeros(len(table.words), dtype=np.int64))
    archive = sum(t.live_count for t in tables)
    if len(tables) == 1:
        return WordCounts(tables[0].words, found[0], tables[0].everywhere, archive)
    with _LOCK:
        vocabulary = _VOCABULARIES.get(searcher)
        if vocabulary is None:
            vocabulary = _VOCABULARIES[searcher] = _Vocabulary(tables)
    return WordCounts(vocabulary.words, vocabulary.total(found) * vocabulary.kept,
                      vocabulary.everywhere, archive)
