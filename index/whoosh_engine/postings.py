"""One index segment's postings, field lengths and date column as numpy arrays.

Whoosh answers a query by stepping Python matcher objects once per posting:
on a large archive a common word's 12,000 matches cost about 200 ms before a
single result is shown. Its posting lists, though, are stored in blocks of up
to 128 postings, each block one pickled tuple of document numbers, weights and
values. Reading a term's blocks whole and doing the set algebra and BM25
arithmetic in numpy (`search/execute.py`) makes the same query a few
milliseconds.

This module and `fields.py` are the only ones that read or write Whoosh's
storage below its public API (block attributes of its posting reader, the raw
bytes of a numeric column and of the lengths column).
`tests/test_postings.py` checks every array here against Whoosh's public
per-posting API, so a Whoosh release that changes its internals fails the tests
instead of returning wrong results; where the internals are not what this
module expects, it stops with `WhooshInternalsChanged` (reading the public
API instead would answer every query about 8 times slower, unnoticed).

Per segment, field lengths, the date column and the facet tables are read once
and kept while any reader of the segment lives (`SegmentData`, keyed by the
segment's id: a segment's documents never change once written, only its
deletions do). Deletions belong to one reader, so `SegmentArrays` (the arrays
plus that reader's deletions) is kept per reader, and holds the reader weakly
so that a closed reader's entry goes with it.
"""

from __future__ import annotations

import threading
import weakref
from itertools import islice

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import EmptyColumnReader
from whoosh.util.numeric import byte_to_length

from dateline.index.analysis import STEM_SEPARATOR
from dateline.index.analysis import stem as stem_of
from dateline.index.engine import EngineUnavailable
from dateline.index.matches import NO_IDS
from dateline.index.matches import NO_SCORES as NO_WEIGHTS

# Field lengths are stored as one byte per document (Whoosh's lossy encoding).
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)



class WhooshInternalsChanged(EngineUnavailable):
    """The installed Whoosh does not store postings as this Dateline reads them."""

    def __init__(self, what: str):
        import whoosh

        version = ".".join(str(n) for n in whoosh.__version__)
        super().__init__(f"the installed Whoosh ({version}) stores {what} differently from "
                         "what this Dateline reads: install the whoosh3 version pyproject.toml "
                         "names (pip install -e .), or use --engine tantivy")

_SEGMENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # reader -> SegmentArrays
_DATA: weakref.WeakValueDictionary = weakref.WeakValueDictionary()  # segment id -> SegmentData
_LOCK = threading.Lock()


class SegmentData:
    """What never changes in a segment, shared by every reader of it: field
    lengths, numeric columns, and other modules' per-segment tables (`tables`,
    e.g. facet_counts'), all over every document, deleted ones included."""

    def __init__(self):
        self.lengths: dict[str, np.ndarray] = {}
        self.columns: dict[str, np.ndarray] = {}
        self.vocabulary: dict[str, list[str]] = {}
        self.tables: dict = {}
        self.lock = threading.Lock()


class SegmentArrays:
    """What queries need of one segment reader, as arrays (local doc numbers)."""

    def __init__(self, reader, data: SegmentData | None = None):
        # Weakly: this object lives in a dict keyed weakly by the reader, and a
        # strong reference here would keep every reader (and its files) forever.
        self.reader = weakref.proxy(reader)
        self.data = data = data if data is not None else SegmentData()  # None: its own, fresh
        self.size = reader.doc_count_all()
        self._lengths = data.lengths
        self._columns = data.columns
        self._vocabulary = data.vocabulary
        self._lock = data.lock
        deleted = sorted(reader.deleted_docs_set) if reader.has_deletions() else []
        self.deleted = np.array(deleted, dtype=np.int64)

    def postings(self, field: str, text: str, *, values: bool = False):
        """(ids, weights[, values]) of one term: ids ascending (int64), weights
        as indexed (field boost included), values the raw encoded positions.
        Deleted documents are included: the caller drops them once at the end."""
        reader = self.reader
        if field not in reader.schema:
            return (NO_IDS, NO_WEIGHTS, []) if values else (NO_IDS, NO_WEIGHTS)
        fmt = reader.schema[field].format
        key = reader.schema[field].to_bytes(text)
        if (field, key) not in reader:
            return (NO_IDS, NO_WEIGHTS, []) if values else (NO_IDS, NO_WEIGHTS)
        terms = getattr(reader, "_terms", None)  # the raw term reader: no deletion filter
        matcher = terms.matcher(field, key, fmt) if terms else reader.postings(field, key)
        if not _has_block_internals(matcher):
            raise WhooshInternalsChanged("posting blocks")
        return _read_blocks(matcher, values)

    def lengths(self, field: str) -> np.ndarray:
        """Each document's length in `field` (float64; 0 where it has none)."""
        with self._lock:
            found = self._lengths.get(field)
            if found is None:
                found = self._lengths[field] = self._read_lengths(field)
            return found

    def _read_lengths(self, field: str) -> np.ndarray:
        perdoc = self.reader._perdoc
        codes = np.zeros(self.size, dtype=np.uint8)
        column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if column is not None:
            if not _has_column_internals(column):
                raise WhooshInternalsChanged("field lengths")
            count = min(column._count, self.size)
            raw = column._dbfile.get(column._basepos, count)
            codes[:count] = np.frombuffer(raw, dtype=np.uint8)
        return _BYTE_TO_LENGTH[codes]

    def column(self, field: str) -> np.ndarray:
        """A numeric column's values per document in their sortable form
        (uint64; documents without a value hold the field's default)."""
        with self._lock:
            found = self._columns.get(field)
            if found is None:
                found = self._columns[field] = self._read_column(field)
            return found

    def _read_column(self, field: str) -> np.ndarray:
        column = self.reader.column_reader(field, translate=False)
        if isinstance(column, EmptyColumnReader):  # a segment where no document has a value
            return np.full(self.size, column._default, dtype=np.uint64)
        if not _has_column_internals(column) or column._fixedlen != 8:
            raise WhooshInternalsChanged("numeric columns")
        count = min(column._count, self.size)
        out = np.empty(self.size, dtype=np.uint64)
        out[:count] = np.frombuffer(column._dbfile.get(column._basepos, 8 * count), dtype=">u8")
        out[count:] = int.from_bytes(column._defaultbytes, "big")
        return out

    def forms(self, field: str, stem: str) -> list[str]:
        """The indexed words whose stem is `stem`: the field's words that
        begin with the stem minus its last letter ("happi" from "happy") and
        have that stem, and the words the index listed at index time because
        their stem does not keep their beginning ("die" from "dying",
        `index.analysis.stem_exceptions`)."""
        start = stem[:-1] if len(stem) > 1 else stem
        found = [w for w in self.terms_from(field, start) if stem_of(w) == stem]
        listed = self.terms_from("stem_forms", stem + STEM_SEPARATOR)
        return found + [item[len(stem) + 1:] for item in listed]

    def words_within(self, field: str, word: str, distance: int) -> set[str]:
        """The field's indexed words within `distance` edits of `word`, two
        neighbours swapped counting one edit (Lucene's fuzzy query). One edit:
        Whoosh's automaton (which counts a swap as two) and the words one swap
        away. Two: Whoosh builds that automaton in Python (about 2 s), so the
        segment's vocabulary, read once and kept (about 0.4 s at Reuters x1),
        is scanned by rapidfuzz (about 20 ms); once read, for one edit too."""
        reader = self.reader
        if field not in reader.schema:
            return set()
        if distance >= 2 or field in self._vocabulary:
            found = process.extract(word, self.vocabulary(field), scorer=OSA.distance,
                                    score_cutoff=distance, limit=None)
            return {w for w, _, _ in found}
        found = set(reader.terms_within(field, word, distance)) if distance else set()
        found.update(w for w in {word} | (_swaps(word) if distance else set())
                     if (field, w) in reader)
        return found

    def vocabulary(self, field: str) -> list[str]:
        """Every indexed word of the field (read once per segment)."""
        with self._lock:
            found = self._vocabulary.get(field)
        if found is None:
            found = [w.decode("utf-8") for w in self.reader.lexicon(field)]
            with self._lock:
                self._vocabulary[field] = found
        return found

    def terms_from(self, field: str, prefix: str, limit: int | None = None) -> list[str]:
        """The field's indexed words starting with `prefix` (the first `limit`)."""
        if field not in self.reader.schema:
            return []
        words = self.reader.expand_prefix(field, prefix)
        return [t.decode("utf-8") for t in islice(words, limit)]


def _swaps(word: str) -> set[str]:
    """The word with two neighbouring letters swapped, each way it can be."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)
            if word[i] != word[i + 1]}


def segment_arrays(reader) -> SegmentArrays:
    with _LOCK:
        found = _SEGMENTS.get(reader)
        if found is None:
            key = _segment_key(reader)
            data = _DATA.get(key) if key is not None else None
            if data is None:
                data = SegmentData()
                if key is not None:
                    _DATA[key] = data
            found = _SEGMENTS[reader] = SegmentArrays(reader, data)
        return found


def _segment_key(reader):
    """The segment's id (random per segment written), or None for a reader
    that is not one segment's: its data is then its own."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    return segment.segment_id() if segment is not None else None


def _has_block_internals(matcher) -> bool:
    return (all(hasattr(matcher, name) for name in
                ("_data", "_read_data", "_read_values", "_lastblock", "_next_block"))
            and not getattr(matcher, "_byteids", True))


def _has_column_internals(column) -> bool:
    return all(hasattr(column, name) for name in ("_dbfile", "_basepos", "_count", "_fixedlen",
                                                     "_defaultbytes"))


def _read_blocks(matcher, values: bool):
    """A term's blocks decoded in bulk: each block's data is a pickled tuple of
    (id deltas from the block's start, weights: None for all 1.0, one float
    for all alike, or a tuple, values); the deltas of all blocks are summed
    in one numpy pass instead of a Python generator per block."""
    deltas: list[int] = []
    lengths: list[int] = []
    weights: list = []
    vals: list = []
    while True:
        if matcher._data is None:
            matcher._read_data()
        block_ids, block_weights, block_values = matcher._data
        count = len(block_ids)
        deltas.extend(block_ids)
        lengths.append(count)
        weights.append(1.0 if block_weights is None else block_weights)
        if values:
            matcher._read_values()
            vals.extend(matcher._values)
        if matcher._lastblock:
            break
        matcher._next_block()
    ids = np.cumsum(np.array(deltas, dtype=np.int64))
    if len(lengths) > 1:  # each block's deltas start again from zero
        ends = np.cumsum(lengths)
        ids -= np.repeat(np.concatenate(([0], ids[ends[:-1] - 1])), lengths)
    if all(isinstance(w, float) for w in weights):
        weight_array = np.repeat(np.array(weights, dtype=np.float64), lengths)
    else:
        weight_array = np.concatenate([np.full(n, w, dtype=np.float64) if isinstance(w, float)
                                       else np.asarray(w, dtype=np.float64)
                                       for w, n in zip(weights, lengths)])
    return (ids, weight_array, vals) if values else (ids, weight_array)
