"""What a reader answers a query with: every match and its score, and the
result order (the same for every engine)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dateline.index.schema import UNDATED

NO_IDS = np.empty(0, dtype=np.int64)
NO_SCORES = np.empty(0, dtype=np.float64)


@dataclass(frozen=True)
class Matches:
    ids: np.ndarray  # ascending document numbers of one reader (int64)
    scores: np.ndarray  # float64, one per id

    def __len__(self) -> int:
        return len(self.ids)


EMPTY = Matches(NO_IDS, NO_SCORES)


@dataclass(frozen=True)
class WordCounts:
    """What top words are scored from (`Reader.word_document_counts`): for
    each word, the matches holding it and the archive's articles holding it,
    as aligned arrays, so a score is computed for every word at once."""

    words: list[str]
    matched: np.ndarray  # int64, one per word
    everywhere: np.ndarray  # int64, one per word
    archive: int  # live articles

    @classmethod
    def of(cls, pairs: dict[str, tuple[int, int]], archive: int) -> "WordCounts":
        """From {word: (matches holding it, archive articles holding it)}."""
        counts = np.array(list(pairs.values()), dtype=np.int64).reshape(-1, 2)
        return cls(list(pairs), counts[:, 0], counts[:, 1], archive)


def rank(matches: Matches, sort: str, dates: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Positions into `matches` in result order: best score first (ties by
    document number), or by date with undated articles last either way."""
    if sort == "relevance":
        return np.lexsort((matches.ids, -matches.scores))
    values = dates(matches.ids)
    undated = np.uint64(UNDATED)
    if sort == "newest":
        values = np.where(values == undated, undated, undated - np.uint64(1) - values)
    return np.lexsort((matches.ids, values))
