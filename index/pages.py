"""A page of results, near-duplicate copies collapsed: what `Reader.page`
answers, and the way any engine can answer it from every match
(`Reader.match`), which the Whoosh engine does and the tantivy engine does
when it cannot do better.

Near-duplicate wire copies: the index keeps each article's `cluster` (its
near-duplicate group; an article alone is a cluster of one), and the
engine's reader gives a key per matching article that two articles share
exactly when they share a cluster. A hit stands for its cluster when it is
the first member in the result order (best score, or newest/oldest); the
others are left out of the listing (`Hit.similar` counts them), so `total`
counts the results as listed and `matched` every matching article.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dateline.index.matches import Matches, rank


@dataclass(frozen=True)
class Page:
    """Results `start` to `start + count` of a query, in result order."""

    hits: list[tuple[int, float, int]]  # (document number, score, other matching articles of its cluster)
    total: int  # results as listed (copies left out when collapsing)
    matched: int  # matching articles, copies included


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


def find_copies(reader, docs: np.ndarray) -> Copies:
    """Which of the matching articles (document numbers, ascending) share a cluster."""
    if not len(docs):
        return Copies(docs)
    return Copies(docs, reader.cluster_keys(docs))


@dataclass(frozen=True)
class Ranked:
    """Every result of a query in result order, from every match."""

    ids: np.ndarray  # document numbers
    scores: np.ndarray
    copies: Copies

    def __len__(self) -> int:
        return len(self.ids)

    def hits(self, start: int, end: int) -> list[tuple[int, float, int]]:
        similar = self.copies.similar
        return [(d, s, similar(d)) for d, s in zip(self.ids[start:end].tolist(),
                                                   self.scores[start:end].tolist())]


def ranked(reader, matches: Matches, sort: str, *, collapse: bool) -> Ranked:
    """Every result of `matches` (from `reader`) in result order, copies
    dropped when collapsing."""
    copies = find_copies(reader, matches.ids)
    order = rank(matches, sort, reader.date_values)
    ids, scores = matches.ids[order], matches.scores[order]
    if collapse:
        listed = copies.first_of_each(ids)
        ids, scores = ids[listed], scores[listed]
    return Ranked(ids, scores, copies)


def page_of(reader, matches: Matches, *, sort: str, start: int, count: int, collapse: bool) -> Page:
    """`Reader.page` from every match."""
    results = ranked(reader, matches, sort, collapse=collapse)
    return Page(results.hits(start, start + count), len(results), results.copies.matched)
