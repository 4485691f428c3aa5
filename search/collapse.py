"""Near-duplicate wire copies: one result per cluster, with a count of the others.

The index stores each article's `cluster` (its near-duplicate group; an
article alone is a cluster of one). Which documents share a cluster is read
once per searcher (`ClusterMap`); each query then makes one unscored pass over
its matches (vectorized), so `total` (results after collapsing) stays exact.
A hit stands for its cluster when it is the first member in the result order
(best score, or newest/oldest).
"""

from __future__ import annotations

import weakref
from collections import Counter

import numpy as np

ALONE = -1  # the cluster ordinal of an article no other article shares a cluster with

# searcher -> its ClusterMap (the index does not change under a searcher; a
# refreshed searcher is a new key, and a dropped one frees its map)
_MAPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class ClusterMap:
    """For every document number, the ordinal of its cluster if the cluster has
    more than one article, else ALONE: built once per searcher from the
    postings of the shared clusters only, so its cost follows the copies."""

    def __init__(self, searcher):
        reader = searcher.reader()
        self.ordinal = np.full(searcher.doc_count_all(), ALONE, dtype=np.int32)
        self.shared = 0
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
                    self.ordinal[docnum] = self.shared
                self.shared += 1


def cluster_map(searcher) -> ClusterMap:
    try:
        return _MAPS[searcher]
    except KeyError:
        _MAPS[searcher] = found = ClusterMap(searcher)
        return found


class Copies:
    """Which matching articles share their cluster with another matching article."""

    def __init__(self, ordinal: np.ndarray | None = None, size: np.ndarray | None = None,
                 *, matched: int = 0):
        self.matched = matched  # matching articles, copies included
        self._ordinal = ordinal  # docnum -> cluster ordinal (ClusterMap)
        self._size = size  # cluster ordinal -> how many articles of it match
        self.hidden = int((size[size > 1] - 1).sum()) if size is not None else 0
        """How many matching articles collapsing leaves out."""

    def _cluster(self, docnum: int) -> int | None:
        if not self.hidden:
            return None
        key = int(self._ordinal[docnum])
        return key if key != ALONE and self._size[key] > 1 else None

    def similar(self, docnum: int) -> int:
        """Other matching articles in this article's cluster."""
        key = self._cluster(docnum)
        return int(self._size[key]) - 1 if key is not None else 0

    def first_of_each(self, ranked: np.ndarray) -> np.ndarray:
        """The positions in `ranked` (document numbers in result order) that
        are listed: each article alone, and the first of each shared cluster."""
        if not self.hidden:
            return np.arange(len(ranked))
        keys = self._ordinal[ranked]
        shared = np.flatnonzero(keys != ALONE)
        _, first = np.unique(keys[shared], return_index=True)
        keep = np.ones(len(ranked), dtype=bool)
        keep[shared] = False
        keep[shared[first]] = True
        return np.flatnonzero(keep)


def find_copies(searcher, docs: np.ndarray) -> Copies:
    """Which of the matching articles (global docnums) share a cluster."""
    clusters = cluster_map(searcher)
    if not clusters.shared:
        return Copies(matched=len(docs))
    keys = clusters.ordinal[docs]
    size = np.bincount(keys[keys != ALONE], minlength=clusters.shared)
    return Copies(clusters.ordinal, size, matched=len(docs))
