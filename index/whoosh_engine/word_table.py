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
from dateline.index.word_rows import WordRows, most_articles
from dateline.index.whoosh_engine.postings import segment_arrays

WORD_FIELD = "body_exact"

_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # segment reader -> _WordTable
_LOCK = threading.Lock()


class _WordTable(WordRows):
    """One segment's articles' distinct words (a row per document number).
    A word in more than COMMON_SHARE of a segment's articles ('the', 'said')
    is not tabled; small segments (an update's) table every word, so the cut
    does not depend on how few articles one update brought; a word cut in
    any segment is dropped (`common`)."""

    def __init__(self, reader):
        arrays = segment_arrays(reader)
        size = reader.doc_count_all()
        words: list[str] = []
        self.common: set[str] = set()
        docs_of, word_of = [], []
        if WORD_FIELD in reader.schema:
            most = most_articles(size)
            for term in reader.lexicon(WORD_FIELD):
                word = term.decode("utf-8")
                if word.isdigit():
                    continue  # numbers say little without their context
                ids = arrays.postings(WORD_FIELD, word)[0]
                if len(ids) > most:
                    self.common.add(word)
                    continue
                docs_of.append(ids)
                word_of.append(np.full(len(ids), len(words), dtype=np.int32))
                words.append(word)
        docs = np.concatenate(docs_of) if docs_of else np.empty(0, dtype=np.int64)
        word_ids = np.concatenate(word_of) if word_of else np.empty(0, dtype=np.int32)
        live = np.ones(size, dtype=bool)
        live[arrays.deleted] = False
        super().__init__(words, docs, word_ids, live)


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
