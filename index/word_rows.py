"""Each article's distinct body words as rows of word numbers (compressed-row
form), for top words (`search/top_words.py`): a query's counts are one gather
and one bincount over its matches, or over the rest of the archive when it
matches more than half. Both engines keep their tables in this form (the
Whoosh engine one per segment, `whoosh_engine/word_table.py`; the tantivy
engine one per reader, `tantivy_word_table.py`).
"""

from __future__ import annotations

import numpy as np

# A word in more than this share of the articles ('the', 'said') is not
# tabled: it cannot set a result set apart, and it is most of the table.
# Fewer articles than COMMON_FROM table every word.
COMMON_SHARE = 0.2
COMMON_FROM = 1000


def most_articles(articles: int) -> int:
    """The most articles a tabled word may be in (`COMMON_SHARE`)."""
    return int(COMMON_SHARE * articles) if articles >= COMMON_FROM else articles


class WordRows:
    """Row r holds words[ids[starts[r]:starts[r + 1]]]; `live` marks the rows
    of live (not deleted) articles and `everywhere` counts the live rows
    holding each word."""

    def __init__(self, words: list[str], rows: np.ndarray, word_ids: np.ndarray, live: np.ndarray):
        """`rows` and `word_ids`: one (row, word number) pair per article and
        distinct word, in any order; `live`: a bool per row."""
        self.words = words
        order = np.argsort(rows, kind="stable")
        self.ids = word_ids[order]
        self.starts = np.searchsorted(rows[order], np.arange(len(live) + 1)).astype(np.int64)
        self.live = live
        self.live_count = int(live.sum())
        self.everywhere = self.count(np.flatnonzero(live))

    def count(self, rows: np.ndarray) -> np.ndarray:
        """Articles among `rows` (ascending) holding each word."""
        lengths = self.starts[rows + 1] - self.starts[rows]
        total = int(lengths.sum())
        if not total:
            return np.zeros(len(self.words), dtype=np.int64)
        firsts = np.repeat(self.starts[rows] - np.cumsum(lengths) + lengths, lengths)
        return np.bincount(self.ids[firsts + np.arange(total)], minlength=len(self.words))

    def count_matches(self, rows: np.ndarray) -> np.ndarray:
        """`count` of the matches (live rows), read from the smaller side: a
        query matching most of the archive counts the articles it does not
        match instead."""
        if 2 * len(rows) <= self.live_count:
            return self.count(rows)
        rest = self.live.copy()
        rest[rows] = False
        return self.everywhere - self.count(np.flatnonzero(rest))

    def nbytes(self) -> int:
        return self.ids.nbytes + self.starts.nbytes + self.live.nbytes
