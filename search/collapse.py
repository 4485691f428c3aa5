"""Near-duplicate wire copies: one result per cluster, with a count of the others.

The index stores each article's `cluster` (its near-duplicate group; an
article alone is a cluster of one). Most clusters have one member, so the
work is confined to the few that have more: their keys are read once per
searcher from the index's term list, and only the matching articles in those
clusters are looked at. A hit stands for its cluster when it is the first
member in the result order (best score, or newest/oldest).
"""

from __future__ import annotations

import weakref
from collections import Counter
from dataclasses import dataclass, field

from search.compile import cluster_members

# searcher -> keys of clusters with more than one article (the term list is
# fixed for the life of a searcher; a refreshed searcher is a new key)
_SHARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def shared_clusters(searcher) -> frozenset[str]:
    """Clusters with two or more articles in the index (deleted ones may count)."""
    try:
        return _SHARED[searcher]
    except KeyError:
        pass
    reader = searcher.reader()
    keys = frozenset(
        term.decode("utf-8") if isinstance(term, bytes) else term
        for term, info in reader.iter_field("cluster")
        if info.doc_frequency() > 1
    )
    _SHARED[searcher] = keys
    return keys


@dataclass
class Copies:
    """The matching articles that share their cluster with another matching article."""

    cluster_of: dict[int, str] = field(default_factory=dict)  # docnum -> cluster
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
        seen: set[str] = set()
        kept = []
        for docnum, score in ranked:
            key = self.cluster_of.get(docnum)
            if key is None or key not in seen:
                kept.append((docnum, score))
                if key is not None:
                    seen.add(key)
        return kept


def find_copies(searcher, wquery) -> Copies:
    shared = shared_clusters(searcher)
    copies = Copies()
    if not shared:
        return copies
    matches = searcher.search(wquery, limit=None, scored=False, filter=cluster_members(shared))
    for docnum in matches.docs():
        key = searcher.stored_fields(docnum).get("cluster")
        if key:
            copies.cluster_of[docnum] = key
            copies.size[key] += 1
    # a cluster with one matching article hides nothing
    for docnum, key in list(copies.cluster_of.items()):
        if copies.size[key] < 2:
            del copies.cluster_of[docnum]
            del copies.size[key]
    return copies
