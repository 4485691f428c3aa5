"""The tantivy engine's table of each article's distinct body words, for top
words (`search/top_words.py`): built once per reader from the postings of the
body's words (`body_exact`, numbers skipped, as the Whoosh engine's table
reads them; a search per word, its hits' document addresses gathered in
numpy), and kept while the reader lives. A query's counts are then one
gather and one bincount over its matches (`index/word_rows.py`), as on the
Whoosh engine, instead of a terms aggregation over every match.

A row is a document's place in the reader's segments laid end to end (its
segment's start plus its number in the segment). Only live documents are
found by a search, so deleted ones have empty rows and are not `live`.
"""

from __future__ import annotations

import threading
from operator import attrgetter

import numpy as np

from dateline.index.matches import WordCounts
from dateline.index.word_rows import WordRows, most_articles

WORD_FIELD = "body_exact"  # the body's words; numbers are skipped (they say little alone)
_SHIFT = 32
_LOW = (1 << _SHIFT) - 1


def _places(addresses: list) -> tuple[np.ndarray, np.ndarray]:
    count = len(addresses)
    return (np.fromiter(map(attrgetter("segment_ord"), addresses), np.int64, count),
            np.fromiter(map(attrgetter("doc"), addresses), np.int64, count))


class TantivyWordTable(WordRows):
    """The words of every live article of one tantivy searcher (words in more
    than COMMON_SHARE of a large archive left out, as on the Whoosh engine)."""

    def __init__(self, tantivy, searcher, schema):
        articles = searcher.num_docs
        everything = searcher.search(tantivy.Query.all_query(), limit=max(1, articles), count=False)
        segment, doc = _places([a for _, a in everything.hits])
        sizes = np.zeros(max(1, searcher.num_segments), dtype=np.int64)
        np.maximum.at(sizes, segment, doc + 1)
        self.segment_starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        live = np.zeros(int(sizes.sum()), dtype=bool)
        live[self.segment_starts[segment] + doc] = True
        most = most_articles(articles)
        words: list[str] = []
        rows_of, word_of = [], []
        for word, frequency in searcher.terms_with_prefix(WORD_FIELD, ""):
            if word.isdigit():
                continue
            query = tantivy.Query.term_query(schema, WORD_FIELD, word)
            # The frequency counts deleted articles too: only above the cut is
            # the live count asked for.
            if frequency > most and searcher.search(query, limit=1, count=True).count > most:
                continue
            hits = searcher.search(query, limit=max(1, frequency), count=False).hits
            if not hits:
                continue  # held by deleted articles only
            segment, doc = _places([a for _, a in hits])
            rows_of.append(self.segment_starts[segment] + doc)
            word_of.append(np.full(len(hits), len(words), dtype=np.int32))
            words.append(word)
        rows = np.concatenate(rows_of) if rows_of else np.empty(0, dtype=np.int64)
        word_ids = np.concatenate(word_of) if word_of else np.empty(0, dtype=np.int32)
        super().__init__(words, rows, word_ids, live)

    def rows(self, docnums: np.ndarray) -> np.ndarray:
        """The rows of document numbers (segment << 32 | document), ascending as they are."""
        return self.segment_starts[docnums >> _SHIFT] + (docnums & _LOW)

    def counts(self, docnums: np.ndarray) -> WordCounts:
        return WordCounts(self.words, self.count_matches(self.rows(docnums)), self.everywhere,
                          self.live_count)


class LazyWordTable:
    """A reader's table, built by the first query that asks for it (one
    builder at a time; the others wait for it)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._table: TantivyWordTable | None = None

    def get(self, tantivy, searcher, schema) -> TantivyWordTable:
        with self._lock:
            if self._table is None:
                self._table = TantivyWordTable(tantivy, searcher, schema)
            return self._table
