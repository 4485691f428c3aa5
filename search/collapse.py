"""Near-duplicate wire copies: one result per cluster, with a count of the others.

The index keeps each article's `cluster` (its near-duplicate group; an
article alone is a cluster of one), and the engine's reader gives a key per
matching article that two articles share exactly when they share a cluster.
Each query then makes one unscored pass over its matches (vectorized), so
`total` (results after collapsing) stays exact. A hit stands for its cluster
when it is the first member in the result order (best score, or
newest/oldest).
"""

from __future__ import annotations

import numpy as np

from dateline.index.engine import Reader


class Copies:
    """Which matching articles share their cluster with another matching article."""

    def __init__(self, ids: np.ndarray, keys: np.ndarray | None = None):
        self.matched = len(ids)  # matching articles, copies included
        self._ids = ids  # the matching document numbers, ascending
        if keys is None or not len(ids):
            self._cluster = self._size = None
            self.hidden = 0
        else:
            _, self._cluster, self._size = np.unique(keys, return_inverse=True, return_counts=True)
            self.hidden = int(len(ids) - len(self._size))
        """How many matching articles collapsing leaves out."""

    def similar(self, docnum: int) -> int:
        """Other matching articles in this article's cluster."""
        if not self.hidden:
            return 0
        at = int(np.searchsorted(self._ids, docnum))
        if at >= len(self._ids) or self._ids[at] != docnum:
            return 0
        return int(self._size[self._cluster[at]]) - 1

    def first_of_each(self, ranked: np.ndarray) -> np.ndarray:
        """The positions in `ranked` (document numbers in result order) that
        are listed: each article alone, and the first of each shared cluster."""
        if not self.hidden:
            return np.arange(len(ranked))
        clusters = self._cluster[np.searchsorted(self._ids, ranked)]
        _, first = np.unique(clusters, return_index=True)
        return np.sort(first)


def find_copies(reader: Reader, docs: np.ndarray) -> Copies:
    """Which of the matching articles (document numbers, ascending) share a cluster."""
    if not len(docs):
        return Copies(docs)
    return Copies(docs, reader.cluster_keys(docs))
