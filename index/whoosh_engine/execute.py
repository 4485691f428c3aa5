"""Run lowered query operations over the index: every match with its score.

Each segment is evaluated on its own, in numpy: a term is its posting list
read whole (`postings.py`), AND and OR are sorted-array intersections
and unions whose scores add up, NOT is a difference, a date range is a
comparison over the segment's date column. Scores are Whoosh's BM25F, computed
the way Whoosh computes them (same idf, average lengths, length encoding,
B = 0.75, K1 = 1.2, the title's boost already in its weights), so the ranking
is Whoosh's; a phrase scores the sum of its words, as Whoosh's phrase query
does. Every match is found, so totals are exact and nothing is skipped.

The result is global document numbers in ascending order with their scores.
"""

from __future__ import annotations

from itertools import accumulate
from pickle import loads

import numpy as np
from whoosh.system import _INT_SIZE

from dateline.index import engine as boundary
from dateline.index.engine import too_many_words
from dateline.index.matches import EMPTY, Matches
from dateline.index.ops import (AllOp, AndOp, DateOp, FuzzyOp, NoneOp, Op, OrOp, PhraseOp, PrefixOp,
                                StemOp, TermOp, words_in_order)
from dateline.index.schema import UNDATED, date_key
from dateline.index.whoosh_engine.postings import NO_IDS, NO_WEIGHTS, SegmentArrays, segment_arrays

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults, which the searcher uses
_UNDATED = np.uint64(UNDATED)


def find_matches(searcher, op: Op) -> Matches:
    """Every live document matching `op` (global numbers), with its score."""
    run = _Run(searcher)
    ids, scores = [], []
    for reader, offset in searcher.reader().leaf_readers():
        if not reader.doc_count_all():  # an index of no articles has one empty reader, with no columns
            continue
        seg = segment_arrays(reader)
        found = run.evaluate(op, seg)
        if len(seg.deleted) and len(found):
            live = ~np.isin(found.ids, seg.deleted, assume_unique=True)
            found = Matches(found.ids[live], found.scores[live])
        if len(found):
            ids.append(found.ids + offset)
            scores.append(found.scores)
    if not ids:
        return EMPTY
    return Matches(np.concatenate(ids), np.concatenate(scores))


def date_values(searcher, ids: np.ndarray) -> np.ndarray:
    """The date column's sortable value for each global document number."""
    out = np.empty(len(ids), dtype=np.uint64)
    for reader, offset in searcher.reader().leaf_readers():
        lo, hi = np.searchsorted(ids, [offset, offset + reader.doc_count_all()])
        if lo < hi:
            out[lo:hi] = segment_arrays(reader).column("date")[ids[lo:hi] - offset]
    return out


class _Run:
    """One query's evaluation: global statistics (idf, average lengths) are
    the whole index's, computed once per term and reused in every segment."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.schema = searcher.schema
        self._idf: dict[tuple[str, str], float] = {}
        self._segments = [segment_arrays(r) for r, _ in searcher.reader().leaf_readers()]
        self._stems: dict[tuple[StemOp, int], tuple] = {}  # (op, segment) -> (ids, weights)
        self._fuzzy: dict[FuzzyOp, list[str]] = {}  # op -> the words it searches

    def evaluate(self, op: Op, seg: SegmentArrays, within: np.ndarray | None = None) -> Matches:
        """`op`'s matches in one segment. `within` (sorted ids), when given,
        says only matches among those ids are needed: a phrase then checks
        positions in those documents only."""
        if isinstance(op, TermOp):
            return self._term(op.field, op.text, seg)
        if isinstance(op, StemOp):
            return self._stem(op, seg)
        if isinstance(op, OrOp):
            return _union([self.evaluate(i, seg, within) for i in op.items])
        if isinstance(op, AndOp):
            return self._and(op, seg, within)
        if isinstance(op, PhraseOp):
            return self._phrase(op, seg, within)
        if isinstance(op, PrefixOp):
            return self._prefix(op, seg)
        if isinstance(op, FuzzyOp):
            return _union([self._term(op.field, word, seg) for word in self._fuzzy_words(op)])
        if isinstance(op, DateOp):
            return self._dates(op, seg)
        if isinstance(op, AllOp):
            # Every article scores 1, as in Whoosh: "NOT x" ranks all alike.
            return Matches(np.arange(seg.size, dtype=np.int64), np.ones(seg.size))
        if isinstance(op, NoneOp):
            return EMPTY
        raise TypeError(f"cannot evaluate {op!r}")  # pragma: no cover

    def _and(self, op: AndOp, seg: SegmentArrays, within: np.ndarray | None) -> Matches:
        # Phrases last, checking positions only where everything else matched.
        cheap = [i for i in op.required if not _has_phrase(i)]
        costly = [i for i in op.required if _has_phrase(i)]
        found = None
        if cheap:
            found = _intersection([self.evaluate(i, seg) for i in cheap])
        for item in costly:
            if found is not None and not len(found):
                return EMPTY
            limit = found.ids if found is not None else within
            part = self.evaluate(item, seg, limit)
            found = part if found is None else _intersection([found, part])
        if found is None:
            found = self.evaluate(AllOp(), seg)
        for item in op.excluded:
            if not len(found):
                break
            found = _difference(found, self.evaluate(item, seg, found.ids))
        return found

    def _bm25(self, field: str, text: str, ids, weights, seg: SegmentArrays,
              idf: float | None = None) -> np.ndarray:
        if not self.schema[field].scorable:
            return weights  # Whoosh scores an unscorable field by its weight
        if idf is None:
            idf = self._idf.get((field, text))
            if idf is None:
                idf = self._idf[(field, text)] = self.searcher.idf(field, text)
        average = self.searcher.avg_field_length(field) or 1
        lengths = seg.lengths(field)[ids]
        return idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / average))

    def _term(self, field: str, text: str, seg: SegmentArrays) -> Matches:
        ids, weights = seg.postings(field, text)
        if not len(ids):
            return EMPTY
        return Matches(ids, self._bm25(field, text, ids, weights, seg))

    def _stem(self, op: StemOp, seg: SegmentArrays) -> Matches:
        """All forms of a word as one term, as a stemmed field would hold it:
        a document's frequency is its forms' summed, its idf counts the
        documents holding any form, over the whole index."""
        ids, weights = self._stem_postings(op, seg)
        if not len(ids):
            return EMPTY
        key = (op.field, f"stem:{op.stem}")
        idf = self._idf.get(key)
        if idf is None:
            frequency = sum(len(self._stem_postings(op, other)[0]) for other in self._segments)
            idf = self._idf[key] = np.log(self.searcher.doc_count_all() / (frequency + 1)) + 1
        return Matches(ids, self._bm25(op.field, op.stem, ids, weights, seg, idf=idf))

    def _stem_postings(self, op: StemOp, seg: SegmentArrays):
        key = (op, id(seg))
        found = self._stems.get(key)
        if found is None:
            lists = [seg.postings(op.field, form) for form in seg.forms(op.field, op.stem)]
            lists = [(i, w) for i, w in lists if len(i)]
            if not lists:
                found = (NO_IDS, NO_WEIGHTS)
            elif len(lists) == 1:
                found = lists[0]
            else:
                ids, inverse = np.unique(np.concatenate([i for i, _ in lists]), return_inverse=True)
                weights = np.bincount(inverse, weights=np.concatenate([w for _, w in lists]),
                                      minlength=len(ids))
                found = (ids, weights)
            self._stems[key] = found
        return found

    def _phrase(self, op: PhraseOp, seg: SegmentArrays, within: np.ndarray | None) -> Matches:
        lists = []
        for word in op.words:
            ids, weights, values = seg.postings(op.field, word, values=True)
            if not len(ids):
                return EMPTY
            lists.append((ids, weights, values))
        lists_by_size = sorted(range(len(lists)), key=lambda n: len(lists[n][0]))
        common = lists[lists_by_size[0]][0]
        if within is not None:
            common = np.intersect1d(common, within, assume_unique=True)
        for n in lists_by_size[1:]:
            common = np.intersect1d(common, lists[n][0], assume_unique=True)
            if not len(common):
                return EMPTY
        where = [np.searchsorted(ids, common) for ids, _, _ in lists]
        chosen = [[values[i] for i in at.tolist()] for (_, _, values), at in zip(lists, where)]
        keep = np.fromiter((words_in_order([_positions(v) for v in per_doc], op.reach)
                            for per_doc in zip(*chosen)), dtype=bool, count=len(common))
        if not keep.any():
            return EMPTY
        scores = np.zeros(int(keep.sum()))
        for word, (ids, weights, _), at in zip(op.words, lists, where):
            chosen = at[keep]
            scores = scores + self._bm25(op.field, word, ids[chosen], weights[chosen], seg)
        return Matches(common[keep], scores)

    def _prefix(self, op: PrefixOp, seg: SegmentArrays) -> Matches:
        """Every indexed word with the prefix, scored as if each were asked for."""
        found = seg.terms_from(op.field, op.prefix, limit=boundary.MAX_PREFIX_WORDS + 1)
        if len(found) > boundary.MAX_PREFIX_WORDS:
            raise too_many_words(op.prefix)
        return _union([self._term(op.field, word, seg) for word in found])

    def _fuzzy_words(self, op: FuzzyOp) -> list[str]:
        """The words a fuzzy word searches (`engine.fuzzy_words`), chosen once
        over the whole index: every segment searches the same words."""
        found = self._fuzzy.get(op)
        if found is None:
            near: set[str] = set()
            for seg in self._segments:
                near |= seg.words_within(op.field, op.word, op.distance)
            found = self._fuzzy[op] = boundary.fuzzy_words(
                op.word, op.distance, near, lambda w: self._live(op.field, w))
        return found

    def _live(self, field: str, word: str) -> bool:
        """Whether a live article holds the word."""
        for seg in self._segments:
            ids = seg.postings(field, word)[0]
            if len(ids) and not np.isin(ids, seg.deleted, assume_unique=True).all():
                return True
        return False

    def _dates(self, op: DateOp, seg: SegmentArrays) -> Matches:
        dates = seg.column("date")
        dated = dates != _UNDATED
        if op.start is not None:
            dated &= dates >= np.uint64(date_key(op.start))
        if op.end is not None:
            dated &= dates < np.uint64(date_key(op.end))
        ids = np.flatnonzero(dated).astype(np.int64)
        return Matches(ids, np.zeros(len(ids)))  # a filter must not change the ranking


def _union(items: list[Matches]) -> Matches:
    items = [m for m in items if len(m)]
    if not items:
        return EMPTY
    if len(items) == 1:
        return items[0]
    ids, inverse = np.unique(np.concatenate([m.ids for m in items]), return_inverse=True)
    scores = np.bincount(inverse, weights=np.concatenate([m.scores for m in items]),
                         minlength=len(ids))
    return Matches(ids, scores)


def _intersection(items: list[Matches]) -> Matches:
    items = sorted(items, key=len)
    found = items[0]
    for other in items[1:]:
        if not len(found):
            return EMPTY
        ids, mine, theirs = np.intersect1d(found.ids, other.ids, assume_unique=True,
                                           return_indices=True)
        found = Matches(ids, found.scores[mine] + other.scores[theirs])
    return found


def _difference(found: Matches, excluded: Matches) -> Matches:
    if not len(excluded):
        return found
    keep = ~np.isin(found.ids, excluded.ids, assume_unique=True)
    return Matches(found.ids[keep], found.scores[keep])


def _has_phrase(op: Op) -> bool:
    if isinstance(op, PhraseOp):
        return True
    if isinstance(op, OrOp):
        return any(_has_phrase(i) for i in op.items)
    if isinstance(op, AndOp):
        return any(_has_phrase(i) for i in (*op.required, *op.excluded))
    return False


_PICKLED_BYTE, _PICKLED_SHORT = 0x4B, 0x4D  # pickle's opcodes for a 1- and 2-byte int


def _positions(value: bytes) -> list[int]:
    """Whoosh's Positions encoding: a 4-byte count, then the deltas as a
    pickled list. Most words occur once in an article, a list of one small
    int: those are read straight from the bytes (tests/test_postings.py
    checks every shortcut against Whoosh's decoder)."""
    size = len(value)
    if size == 13 and value[9] == _PICKLED_BYTE:
        return [value[10]]
    if size == 14 and value[9] == _PICKLED_SHORT:
        return [value[10] | value[11] << 8]
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(loads(value[_INT_SIZE:])))
