"""The engine boundary: what the search layer may ask of an index, whatever
engine keeps it (Whoosh in `index/whoosh_engine/`, tantivy in
`index/tantivy_engine.py`).

An `Engine` writes generations (a whole build from the store, then the
store's change log applied to it) and opens a `Reader` on one. A reader
runs lowered query operations (`index/ops.py`) and answers with every match:
document numbers (the reader's own, ascending) and scores, so totals are
exact and ranking, paging, collapsing and facets see all matches. A result
page is asked of the reader in one operation (`Reader.page`: the exact
totals, the page's hits ranked and near-duplicates collapsed), and so is
the date histogram (`Reader.date_span`, `Reader.count_dates`): an engine that can answer them
without handing every match to Python does (tantivy: its own top-k, counts
and aggregations); the others use the generic answer from every match
(`index/pages.py`). Around that a reader gives stored ids, dates, facet
values, near-duplicate cluster keys, and the vocabulary for prefixes and
did-you-mean. Nothing outside an engine's module sees the engine's own
objects (no Whoosh searcher, no tantivy `Searcher`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads only when a query runs, not for every command
    from collections import Counter
    from pathlib import Path

    import numpy as np

    from dateline.index.matches import Matches, WordCounts
    from dateline.index.ops import Op
    from dateline.index.pages import Page

ProgressCallback = Callable[[int, int], None]  # (done, total)

# A prefix expanding to more words than this is refused: 'a*' would read the
# postings of most of the vocabulary (seconds on a large archive) and tell
# nothing.
MAX_PREFIX_WORDS = 1000
# A fuzzy word searches at most this many of the words near it (Lucene's and
# Elasticsearch's default max_expansions): 'ab~2' is near thousands of words.
MAX_FUZZY_WORDS = 50
# A phrase with slop may place its words in at most this many ways (each word
# 1 to N+1 positions after the one before: (N+1) ** (words - 1)). The tantivy
# engine asks for every placement as an exact phrase (its own slop counts
# differently and takes words reordered), so both engines refuse beyond it.
MAX_PHRASE_PLACEMENTS = 1024


class TooManyWords(ValueError):
    """A prefix matches too many words (str() is user-facing)."""


def fuzzy_words(word: str, distance: int, near: Iterable[str],
                live: Callable[[str], bool]) -> list[str]:
    """The words `word~distance` searches, chosen alike by every engine: of
    `near` (the field's indexed words within `distance` edits, however the
    engine finds them), the nearest first, then in word order, at most
    MAX_FUZZY_WORDS. Past that many, only words some live article holds
    (`live`) count: a word left by deleted articles alone would take a place
    for nothing, and engines drop such words at different times. Word order,
    not frequency, breaks ties: engines count deleted articles in a word's
    frequency until they merge, each at its own time."""
    from dateline.index.analysis import edit_distance

    ranked = sorted((found, w) for w in set(near)
                    if (found := edit_distance(word, w, distance)) <= distance)
    if len(ranked) <= MAX_FUZZY_WORDS:
        return [w for _, w in ranked]
    chosen: list[str] = []
    for _, w in ranked:
        if len(chosen) == MAX_FUZZY_WORDS:
            break
        if live(w):
            chosen.append(w)
    return chosen


def too_many_placements(text: str, slop: int, words: int) -> TooManyWords:
    return TooManyWords(f"'\"{text}\"~{slop}' places its {words} words in more than "
                        f"{MAX_PHRASE_PLACEMENTS:,} ways: use fewer words or a smaller ~N")


class IndexUnavailable(Exception):
    """The index cannot be used as it is (message is user-facing)."""


class IndexMissing(IndexUnavailable):
    pass


class IndexIncompatible(IndexUnavailable):
    pass


class EngineUnavailable(IndexUnavailable):
    """The engine cannot be used (not installed, or not the version the index
    needs); str() is user-facing."""


def too_many_words(prefix: str) -> TooManyWords:
    return TooManyWords(f"'{prefix}*' matches more than {MAX_PREFIX_WORDS:,} different "
                        "words: make the prefix longer")


class Reader:
    """A consistent view of one generation: what searches ask of the index."""

    def doc_count(self) -> int:
        """Live articles."""
        raise NotImplementedError

    def match(self, op: Op) -> Matches:
        """Every live article matching `op`, with its score (exact, none skipped).
        `len()` of the answer is the exact count; an engine may find `ids` and
        `scores` only when they are read (`page`, `day_counts` and facets may
        not need them)."""
        raise NotImplementedError

    def page(self, matches: Matches, *, sort: str, start: int, count: int,
             collapse: bool) -> Page:
        """Results `start` to `start + count` of `matches` (a query this
        reader ran) in result order: best score first, ties by document
        number, or newest/oldest first (undated articles last, ties by
        document number); when `collapse`, a near-duplicate cluster's later
        members are not results (`index/pages.py`). Totals are exact."""
        from dateline.index.pages import page_of

        return page_of(self, matches, sort=sort, start=start, count=count, collapse=collapse)

    def sample_matches(self, matches: Matches, count: int) -> Matches:
        """About `count` of `matches` spread evenly over them, not chosen by
        score (the sample top words read, `search/top_words.py`): here every
        k-th by document number, exactly `count`; all when there are no more."""
        if len(matches) <= count:
            return matches
        import numpy as np

        from dateline.index.matches import Matches

        chosen = np.arange(count, dtype=np.int64) * len(matches) // count
        return Matches(matches.ids[chosen], matches.scores[chosen])

    def date_span(self, matches: Matches) -> tuple[int, int] | None:
        """The first and last date of the dated matches (date column values),
        None when none is dated."""
        import numpy as np

        from dateline.index.schema import UNDATED

        values = self.date_values(matches.ids) if len(matches) else np.empty(0, np.uint64)
        values = values[values != np.uint64(UNDATED)]
        return (int(values.min()), int(values.max())) if len(values) else None

    def count_dates(self, matches: Matches, edges: list[int]) -> list[int]:
        """The matches dated in each [edges[i], edges[i + 1]) (date column
        values, ascending): the date histogram's bars."""
        import numpy as np

        values = np.sort(self.date_values(matches.ids)) if len(matches) else np.empty(0, np.uint64)
        return np.diff(np.searchsorted(values, np.array(edges, dtype=np.uint64))).tolist()

    def article_ids(self, ids: list[int]) -> list[str]:
        """The article id of each document number."""
        raise NotImplementedError

    def date_values(self, ids: np.ndarray) -> np.ndarray:
        """Each document's date as microseconds since 0001-01-01 UTC (uint64;
        UNDATED for an article without one); `ids` ascending."""
        raise NotImplementedError

    def facet_counts(self, matches: Matches, fields: list[str],
                     top: dict[str, int] | None = None) -> dict[str, Counter]:
        """{field: Counter(value -> matching documents holding it)}, over
        every match of a query this reader ran. For a field in `top`, values
        that cannot be among its `top[field]` most frequent (spellings merged
        as `search.facets.merge_spellings` merges them) may be left out; the
        counts given are exact."""
        raise NotImplementedError

    def word_document_counts(self, matches: Matches, least: int = 1) -> WordCounts:
        """For each of the body's words: the matches holding it and the archive's
        articles holding it (`index.matches.WordCounts`), for top words
        (`search/top_words.py`); words in fewer than `least` matches may be left out."""
        raise NotImplementedError

    def counts_apart(self) -> bool:
        """Whether top words' counts and the name facets' are best asked at
        once, on two threads (`search.facets.compute_facets`): where the
        engine counts each without Python's lock and neither needs what the
        other reads. False here: one after the other."""
        return False

    def cluster_keys(self, ids: np.ndarray) -> np.ndarray:
        """For each document, an int64 equal to another's exactly when both
        are in the same near-duplicate cluster."""
        raise NotImplementedError

    def cluster_members(self, cluster: str) -> list[str]:
        """The ids of the articles in a near-duplicate cluster."""
        raise NotImplementedError

    def doc_frequency(self, field: str, word: str) -> int:
        raise NotImplementedError

    def words_with_prefix(self, field: str, prefix: str, limit: int | None = None) -> list[str]:
        """Indexed words of `field` starting with `prefix`, in word order."""
        raise NotImplementedError

    def corrections(self, field: str, word: str) -> list[str]:
        """Indexed words of `field` within two edits of `word`, sharing its
        first letter, best first."""
        raise NotImplementedError

    def generation(self) -> object:
        """Changes whenever what this reader sees changes (a cache key)."""
        raise NotImplementedError

    def is_current(self) -> bool:
        """False once a writer committed after this reader opened."""
        raise NotImplementedError

    def refreshed(self) -> Reader:
        """A reader on what is committed now (may be self)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class Engine:
    """Writes and opens the index generations of one engine."""

    name = ""
    # How the engine lays Dateline's fields out in its index; raised when an
    # index written before cannot be updated or read as it is now (recorded
    # in each generation as `engine_layout`, 1 when absent).
    layout = 1

    def version(self) -> str:
        raise NotImplementedError

    def write_generation(self, store, gen_dir: Path, progress: ProgressCallback | None,
                         procs: int | None) -> int:
        """Index every article of `store` into the empty `gen_dir`; returns the count."""
        raise NotImplementedError

    def apply_changes(self, gen_dir: Path, store, latest: dict[str, str]) -> dict:
        """Apply {article id: 'put' | 'delete'} to the generation and commit."""
        raise NotImplementedError

    def optimize(self, gen_dir: Path) -> dict | None:
        """Merge the generation into one segment: {"segments_before", "segments_after"};
        None when the engine cannot merge in place (the generation is then
        written anew from the store, `build.optimize_index`)."""
        raise NotImplementedError

    def open_reader(self, gen_dir: Path) -> Reader:
        """Raises FileNotFoundError when the generation is incomplete."""
        raise NotImplementedError

    def segment_count(self, gen_dir: Path) -> int:
        raise NotImplementedError

    def remove_garbage(self, gen_dir: Path, now: float) -> None:
        """Delete files of the live generation no reader can still need."""


DEFAULT_ENGINE = "whoosh"
ENGINE_NAMES = ("whoosh", "tantivy")


def engine_named(name: str) -> Engine:
    """The engine called `name`; EngineUnavailable when it cannot run here."""
    if name == "whoosh":
        from dateline.index.whoosh_engine import WhooshEngine

        return WhooshEngine()
    if name == "tantivy":
        from dateline.index.tantivy_engine import TantivyEngine

        return TantivyEngine()
    raise EngineUnavailable(f"unknown engine {name!r}: use one of {', '.join(ENGINE_NAMES)}")
