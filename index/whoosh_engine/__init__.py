"""The Whoosh engine: every use of Whoosh's API, public and private, is in
this package (`tests/test_engine_boundary.py` checks nothing else imports it,
bar the analysis's stemmer and accent table).

Queries are not run through Whoosh's matchers: posting lists are read whole
into numpy (`postings.py`) and evaluated there (`execute.py`), a few
milliseconds where Whoosh's per-posting matchers take hundreds. That reads
Whoosh's private block layout, so the whoosh3 version is pinned in
pyproject.toml, recorded in each generation (a different one asks for
`index --rebuild`), and a Whoosh whose internals differ stops with an error
(`postings.WhooshInternalsChanged`) instead of answering slower.
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from pathlib import Path

import numpy as np
import whoosh
from whoosh.index import EmptyIndexError

from dateline.index.engine import Engine, Reader
from dateline.index.matches import Matches, WordCounts
from dateline.index.ops import Op
from dateline.index.whoosh_engine import writer
from dateline.index.whoosh_engine.execute import date_values, find_matches
from dateline.index.whoosh_engine.facet_counts import count_values
from dateline.index.whoosh_engine.storage import GracefulStorage
from dateline.index.whoosh_engine.word_table import word_document_counts

VERSION = ".".join(str(n) for n in whoosh.__version__)


class WhooshEngine(Engine):
    name = "whoosh"

    def version(self) -> str:
        return VERSION

    def write_generation(self, store, gen_dir: Path, progress, procs) -> int:
        return writer.write_generation(store, gen_dir, progress, procs)

    def apply_changes(self, gen_dir: Path, store, latest: dict[str, str]) -> dict:
        return writer.apply_changes(gen_dir, store, latest)

    def optimize(self, gen_dir: Path) -> dict:
        return writer.optimize(gen_dir)

    def open_reader(self, gen_dir: Path) -> WhooshReader:
        try:
            ix = GracefulStorage(str(gen_dir)).open_index()
        except EmptyIndexError:
            raise FileNotFoundError(gen_dir) from None
        return WhooshReader(ix, str(gen_dir))

    def segment_count(self, gen_dir: Path) -> int:
        ix = GracefulStorage(str(gen_dir)).open_index()
        try:
            return writer.segment_count(ix)
        finally:
            ix.close()

    def remove_garbage(self, gen_dir: Path, now: float) -> None:
        GracefulStorage(str(gen_dir)).purge_expired(now=now)


class WhooshReader(Reader):
    """A Whoosh searcher on one generation (the document numbers are its own)."""

    def __init__(self, ix, gen_dir: str, searcher=None):
        self._ix = ix
        self._gen_dir = gen_dir
        self._searcher = searcher or ix.searcher()
        self._correctors: dict[str, object] = {}
        self._lock = threading.Lock()

    def doc_count(self) -> int:
        return self._searcher.doc_count()

    def match(self, op: Op) -> Matches:
        return find_matches(self._searcher, op)

    def article_ids(self, ids) -> list[str]:
        stored = self._searcher.stored_fields
        return [stored(d)["id"] for d in ids]

    def date_values(self, ids: np.ndarray) -> np.ndarray:
        return date_values(self._searcher, ids)

    def facet_counts(self, matches: Matches, fields: list[str],
                     top: dict[str, int] | None = None) -> dict[str, Counter]:
        return count_values(self._searcher, matches.ids, fields)  # every value: `top` not needed

    def word_document_counts(self, matches: Matches, least: int = 1) -> WordCounts:
        return word_document_counts(self._searcher, matches.ids)

    def cluster_keys(self, ids: np.ndarray) -> np.ndarray:
        ordinal = _cluster_map(self._searcher)[ids].astype(np.int64)
        # An article alone in its cluster gets a key of its own, below every ordinal.
        return np.where(ordinal == ALONE, -2 - ids, ordinal)

    def cluster_members(self, cluster: str) -> list[str]:
        return [doc["id"] for doc in self._searcher.documents(cluster=cluster)]

    def doc_frequency(self, field: str, word: str) -> int:
        return self._searcher.doc_frequency(field, word)

    def words_with_prefix(self, field: str, prefix: str, limit: int | None = None) -> list[str]:
        if field not in self._searcher.schema:
            return []
        found = []
        for term in self._searcher.reader().expand_prefix(field, prefix):
            if limit is not None and len(found) >= limit:
                break
            found.append(term.decode("utf-8"))
        return found

    def corrections(self, field: str, word: str) -> list[str]:
        with self._lock:
            if field not in self._correctors:
                self._correctors[field] = self._searcher.corrector(field)
            corrector = self._correctors[field]
        return list(corrector.suggest(word, limit=1, maxdist=2, prefix=1))

    def generation(self) -> object:
        return (self._gen_dir, self._searcher.reader().generation())

    def is_current(self) -> bool:
        return self._searcher.up_to_date()

    def refreshed(self) -> WhooshReader:
        if self._searcher.up_to_date():
            return self
        # A new searcher, not Whoosh's refresh(): refresh keeps the old reader of
        # a segment whose id is unchanged (its new deletions unseen) and, after
        # a merge, adds the merged-away segments back (every article twice).
        return WhooshReader(self._ix, self._gen_dir, self._ix.searcher())

    def segment_count(self) -> int:
        return len(list(self._searcher.reader().leaf_readers()))

    def close(self) -> None:
        self._searcher.close()


ALONE = -1  # the cluster ordinal of an article no other article shares a cluster with

# searcher -> its cluster ordinals (the index does not change under a
# searcher; a refreshed searcher is a new key, and a dropped one frees its map)
_MAPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MAPS_LOCK = threading.Lock()


def _cluster_map(searcher) -> np.ndarray:
    with _MAPS_LOCK:
        found = _MAPS.get(searcher)
        if found is None:
            found = _MAPS[searcher] = _cluster_ordinals(searcher)
        return found


def _cluster_ordinals(searcher) -> np.ndarray:
    """For every document number, the ordinal of its cluster if the cluster has
    more than one article, else ALONE: built once per searcher from the
    postings of the shared clusters only, so its cost follows the copies."""
    reader = searcher.reader()
    ordinal = np.full(searcher.doc_count_all(), ALONE, dtype=np.int32)
    shared = 0
    # Document frequencies summed over the segments, one pass over each
    # segment's term list (the merged list is ten times slower); deleted
    # articles may count, which costs a little work and changes nothing.
    frequency: Counter = Counter()
    for leaf, _offset in reader.leaf_readers():
        for term, info in leaf.iter_field("cluster"):
            frequency[term] += info.doc_frequency()
    for term, count in frequency.items():
        if count > 1:
            for docnum in reader.postings("cluster", term).all_ids():
                ordinal[docnum] = shared
            shared += 1
    return ordinal
