"""The tantivy engine's table of each article's distinct body words, for top
words (`search/top_words.py`): built once per reader from the postings of the
body's words (`body_exact`, numbers skipped, as the Whoosh engine's table
reads them; a search per word, its hits' document addresses gathered in
numpy), and kept while the reader lives. A query's counts are then one
gather and one bincount over its matches (`index/word_rows.py`), as on the
Whoosh engine, instead of a terms aggregation over every match. The facet
fields' values are tabled the same way (`TantivyFacetTable`).

A row is a document's place in the reader's segments laid end to end (its
segment's start plus its number in the segment). Only live documents are
found by a search, so deleted ones have empty rows and are not `live`.

The table costs about 350 ns per posting to build (a top-k search per word,
its hits made Python objects) and 12 bytes per posting kept: at a million
generated articles 50 CPU s and 1.18 GB (process peak 3.4 GB), again for
every reader (after each committed update). Beyond TABLE_ARTICLES live
articles no table is built (`TantivyWordWalk`): each query's sample is
counted by tantivy itself, walking every posting of the body's words once
against the sample's documents (`Searcher.terms_with_prefix` with a
filter query, about 6 ns a posting: 0.46 CPU s at a million articles), and
the archive's counts are one such walk over every live article, once per
reader (0.8 CPU s). The same counts, without the table's memory.
"""

from __future__ import annotations

import threading
from itertools import repeat
from operator import attrgetter, itemgetter

import numpy as np

from dateline.index.matches import WordCounts
from dateline.index.word_rows import WordRows, most_articles

WORD_FIELD = "body_exact"  # the body's words; numbers are skipped (they say little alone)
# The body's words again, as `body_exact` holds them, kept as a column of
# each document's words (a fast field) and indexed without positions or
# frequencies, only in the articles whose cluster key is in the lowest
# eighth of the keys' range (SAMPLE_KEYS). A sample by key below that
# (`TantivyReader.sample_matches`: any query of more than 8 x 5,000 matches)
# lies wholly in this field, and its words are counted by one terms
# aggregation over its documents: a cost in proportion to the sample. The
# walk (below) visits every word of the field in every segment whatever the
# sample holds: at a million articles 350-480 CPU ms over `body_exact`, and
# still 160 over this field, which holds 178,000 of the body's 200,000 words.
SAMPLE_FIELD = "body_sample"
SAMPLE_KEYS = 1 << 60  # cluster keys are 63-bit: the lowest eighth
_SHIFT = 32
_LOW = (1 << _SHIFT) - 1


def _places(addresses: list) -> tuple[np.ndarray, np.ndarray]:
    count = len(addresses)
    return (np.fromiter(map(attrgetter("segment_ord"), addresses), np.int64, count),
            np.fromiter(map(attrgetter("doc"), addresses), np.int64, count))


def _live_rows(tantivy, searcher) -> tuple[np.ndarray, np.ndarray]:
    """(each segment's first row, a bool per row: the document is live)."""
    everything = searcher.search(tantivy.Query.all_query(), limit=max(1, searcher.num_docs), count=False)
    segment, doc = _places([a for _, a in everything.hits])
    sizes = np.zeros(max(1, searcher.num_segments), dtype=np.int64)
    np.maximum.at(sizes, segment, doc + 1)
    segment_starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    live = np.zeros(int(sizes.sum()), dtype=bool)
    live[segment_starts[segment] + doc] = True
    return segment_starts, live


def _term_rows(tantivy, searcher, schema, field: str, segment_starts: np.ndarray,
               most: int | None = None, *, numbers: bool = True) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(terms, rows, term numbers) of a field's postings: one (row, term
    number) pair per live document holding each term; terms held by more
    than `most` live documents left out, and numbers unless `numbers`."""
    terms: list[str] = []
    rows_of, term_of = [], []
    for term, frequency in searcher.terms_with_prefix(field, ""):
        if not numbers and term.isdigit():
            continue
        query = tantivy.Query.term_query(schema, field, term)
        # The frequency counts deleted articles too: only above the cut is
        # the live count asked for.
        if most is not None and frequency > most and searcher.search(query, limit=1, count=True).count > most:
            continue
        hits = searcher.search(query, limit=max(1, frequency), count=False).hits
        if not hits:
            continue  # held by deleted articles only
        segment, doc = _places([a for _, a in hits])
        rows_of.append(segment_starts[segment] + doc)
        term_of.append(np.full(len(hits), len(terms), dtype=np.int32))
        terms.append(term)
    rows = np.concatenate(rows_of) if rows_of else np.empty(0, dtype=np.int64)
    term_ids = np.concatenate(term_of) if term_of else np.empty(0, dtype=np.int32)
    return terms, rows, term_ids


class _Rows:
    segment_starts: np.ndarray

    def rows(self, docnums: np.ndarray) -> np.ndarray:
        """The rows of document numbers (segment << 32 | document), ascending as they are."""
        return self.segment_starts[docnums >> _SHIFT] + (docnums & _LOW)


class TantivyWordTable(_Rows, WordRows):
    """The words of every live article of one tantivy searcher (words in more
    than COMMON_SHARE of a large archive left out, as on the Whoosh engine)."""

    def __init__(self, tantivy, searcher, schema):
        self.segment_starts, live = _live_rows(tantivy, searcher)
        words, rows, word_ids = _term_rows(tantivy, searcher, schema, WORD_FIELD, self.segment_starts,
                                           most_articles(searcher.num_docs), numbers=False)
        super().__init__(words, rows, word_ids, live)

    def counts(self, docnums: np.ndarray) -> WordCounts:
        return WordCounts(self.words, self.count_matches(self.rows(docnums)), self.everywhere,
                          self.live_count)


# Up to this many live articles a reader builds the word table (Reuters x10,
# 177,590 articles: 7 CPU s, about 210 MB, then 1-16 CPU ms a query); beyond,
# each query's words are counted by a walk of the postings (`TantivyWordWalk`:
# no table, but about 6 ns per posting of the archive for every query).
TABLE_ARTICLES = 250_000


def tabled(articles: int) -> bool:
    """Whether a reader of this many live articles builds the word table."""
    return articles <= TABLE_ARTICLES


class TantivyWordWalk:
    """Top words' counts without a table: the archive's live counts of the
    body's words (numbers and words in more than COMMON_SHARE of a large
    archive left out, as in the table), read once per reader by one walk of
    the postings over every live article; a query's counts by one walk over
    the documents of a query that matches exactly its matches (or its
    sample). tantivy walks every posting of the field each time, whatever
    the query, so a query costs in proportion to the archive, not to its
    matches."""

    def __init__(self, tantivy, searcher):
        # Over every live article: a term's own frequency counts deleted ones too.
        pairs = searcher.terms_with_prefix(WORD_FIELD, "", filter_query=tantivy.Query.all_query())
        most = most_articles(searcher.num_docs)
        kept = [(word, count) for word, count in pairs if count <= most and not word.isdigit()]
        self.words = [word for word, _ in kept]
        self._number = {word: n for n, word in enumerate(self.words)}
        self.everywhere = np.fromiter((count for _, count in kept), np.int64, len(kept))
        self.live_count = searcher.num_docs

    def counts(self, searcher, matching) -> WordCounts:
        """The counts of the live documents `matching` (a tantivy query) matches."""
        matched = np.zeros(len(self.words), dtype=np.int64)
        number = self._number
        for word, count in searcher.terms_with_prefix(WORD_FIELD, "", filter_query=matching):
            at = number.get(word)
            if at is not None:
                matched[at] = count
        return WordCounts(self.words, matched, self.everywhere, self.live_count)

    def column_counts(self, searcher, matching, least: int) -> WordCounts | None:
        """The counts of the live documents `matching` matches, all of them
        with a key below SAMPLE_KEYS, from SAMPLE_FIELD's column: one terms
        aggregation, the words held by fewer than `least` of them left out
        (as top words leave them out). None where the aggregation cannot
        give every count exactly (as many words as tantivy's bucket limit,
        so some may be cut): the walk then counts."""
        try:
            found = searcher.aggregate(matching, {"w": {"terms": {
                "field": SAMPLE_FIELD, "size": COLUMN_BUCKETS, "segment_size": COLUMN_BUCKETS,
                "min_doc_count": max(1, least)}}})["w"]
        except ValueError:  # "Aborting aggregation because bucket limit was exceeded"
            return None
        buckets = found["buckets"]
        if len(buckets) >= COLUMN_BUCKETS or found.get("doc_count_error_upper_bound"):
            return None
        at = np.fromiter(map(self._number.get, map(_KEY, buckets), repeat(-1)), np.int64, len(buckets))
        held = np.fromiter(map(_DOC_COUNT, buckets), np.int64, len(buckets))
        kept = at >= 0  # numbers and the archive's commonest words are not counted
        matched = np.zeros(len(self.words), dtype=np.int64)
        matched[at[kept]] = held[kept]
        return WordCounts(self.words, matched, self.everywhere, self.live_count)


COLUMN_BUCKETS = 65_000  # tantivy's limit on buckets in one aggregation
_KEY, _DOC_COUNT = itemgetter("key"), itemgetter("doc_count")


# The facet table is a search per value: built only where the facet fields
# hold at most this many values (Reuters x1: 438, built in 0.02 CPU s; a
# million generated articles hold 338,000 people: there the terms
# aggregations count instead).
FACET_TABLE_VALUES = 20_000


class TantivyFacetTable(_Rows):
    """Each live article's values of the facet fields (`*_facet`: whole
    values), as rows like the word table's: a query's facet counts are then
    one gather and one bincount per field over matches already read (top
    words read them), instead of a terms aggregation over the query."""

    def __init__(self, tantivy, searcher, schema, fields: list[str]):
        self.segment_starts, live = _live_rows(tantivy, searcher)
        # One table of every field's values (a field's are a run of value
        # numbers, `spans`): a query's facets are one gather and one bincount.
        values: list[str] = []
        rows, value_ids = [], []
        self.spans: dict[str, tuple[int, int]] = {}
        for field in fields:
            terms, field_rows, term_ids = _term_rows(tantivy, searcher, schema, field, self.segment_starts)
            self.spans[field] = (len(values), len(values) + len(terms))
            rows.append(field_rows)
            value_ids.append(term_ids.astype(np.int64) + len(values))
            values += terms
        self.table = WordRows(values, np.concatenate(rows) if rows else np.empty(0, dtype=np.int64),
                              np.concatenate(value_ids) if value_ids else np.empty(0, dtype=np.int64), live)

    @classmethod
    def if_small(cls, tantivy, searcher, schema, fields: list[str]) -> "TantivyFacetTable | None":
        """The table, or None when the fields hold more than FACET_TABLE_VALUES values."""
        values = sum(len(searcher.terms_with_prefix(field, "")) for field in fields)
        return cls(tantivy, searcher, schema, fields) if values <= FACET_TABLE_VALUES else None

    def counts(self, docnums: np.ndarray, fields: list[str]) -> dict[str, dict[str, int]]:
        """{field: {value: matching documents holding it}} of the values some match holds."""
        counts = self.table.count_matches(self.rows(docnums))
        values = self.table.words
        found = {}
        for field in fields:
            first, end = self.spans[field]
            found[field] = {values[n]: int(counts[n]) for n in (np.flatnonzero(counts[first:end]) + first).tolist()}
        return found


class LazyTable:
    """A reader's table, built by the first query that asks for it (one
    builder at a time; the others wait for it)."""

    def __init__(self, build):
        self._lock = threading.Lock()
        self._build = build
        self._built = False
        self._table = None

    def get(self, *args):
        with self._lock:
            if not self._built:
                self._table, self._built = self._build(*args), True
            return self._table
