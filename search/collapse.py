"""Near-duplicate wire copies: one result per cluster, with a count of the others.

The index stores each article's `cluster` (its near-duplicate group; an
article alone is a cluster of one). Which documents share a cluster is read
once per searcher (`ClusterMap`); each query then makes one unscored pass over
its matches, so `total` (results after collapsing) stays exact. A hit stands for its cluster when it is the first
member in the result order (best score, or newest/oldest).
"""

from __future__ import annotations

import array
import weakref
from collections import Counter
from dataclasses import dataclass, field

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
        self.ordinal = array.array("i", [ALONE]) * searcher.doc_count_all()
        self.shared = 0
        # doc_frequency over the whole index: the members of a cluster may sit
        # in different segments (deleted articles may count: harmless)
        for term in reader.lexicon("cluster"):
            if reader.doc_frequency("cluster", term) > 1:
                for docnum in reader.postings("cluster", term).all_ids():
                    self.ordinal[docnum] = self.shared
                self.shared += 1


def cluster_map(searcher) -> ClusterMap:
    try:
        return _MAPS[searcher]
    except KeyError:
        _MAPS[searcher] = found = ClusterMap(searcher)
        return found


@dataclass
class Copies:
    """The matching articles that share their cluster with another matching article."""

    cluster_of: dict[int, int] = field(default_factory=dict)  # docnum -> cluster ordinal
    size: Counter = field(default_factory=Counter)  # cluster -> matching articles

    @property
    def hidden(self) -> int:
        """How many matching articles collapsing leaves out."""
        return sum(n - 1 for n in self.size.values())

    def similar(self, docnum: int) -> int:
        """Other matching articles in this article's cluster."""
        key = self.cluster_of.get(docnum)
        return self.size[key] - 1 if key is not None else 0

    def first_of_each(self, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """(docnum, score) pairs in order, keeping only the first of each cluster."""
        if not self.size:
            return ranked
        seen: set[int] = set()
        kept = []
        for docnum, score in ranked:
            key = self.cluster_of.get(docnum)
            if key is None or key not in seen:
                kept.append((docnum, score))
                if key is not None:
                    seen.add(key)
        return kept


def find_copies(searcher, wquery) -> Copies:
    """Which matching articles share a cluster: one unscored pass over the matches."""
    clusters = cluster_map(searcher)
    copies = Copies()
    if not clusters.shared:
        return copies
    ordinal = clusters.ordinal
    for docnum in searcher.docs_for_query(wquery):
        key = ordinal[docnum]
        if key != ALONE:
            copies.cluster_of[docnum] = key
            copies.size[key] += 1
    # a cluster with one matching article hides nothing
    for docnum, key in list(copies.cluster_of.items()):
        if copies.size[key] < 2:
            del copies.cluster_of[docnum]
            del copies.size[key]
    return copies
